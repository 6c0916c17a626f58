using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;
using ImmichGateway.Tests.Fixtures;
using ImmichGateway.Tests.Reference;

namespace ImmichGateway.Tests.Scopes;

/// <summary>The full matrix for a read-only wall frame limited to one album of Alice's.</summary>
public sealed class AlbumScopedClientTests(ScopedGateway gateway) : IClassFixture<ScopedGateway>
{
    private static readonly string InAlbum = FakeImmich.AlbumOneAssets[2];
    private string OutsideAlbum => gateway.AliceOther.Assets[0]["id"]!.GetValue<string>();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AlbumList_ShowsOnlyTheClientsAlbum_WhileTheUsersPhoneSeesAll()
    {
        var (frameResponse, _) = await gateway.SendAsync(ScopedGateway.Frame, "GET", "/api/albums");
        var (phoneResponse, _) = await gateway.SendAsync(TestUsers.AlicePhone, "GET", "/api/albums");

        Assert.Equal([FakeImmich.AlbumOne.ToString()], Ids(await frameResponse.Content.ReadAsStringAsync(Cancel)));
        Assert.False(frameResponse.Headers.Contains("ETag"));
        Assert.Contains(gateway.AliceOther.Id.ToString(), Ids(await phoneResponse.Content.ReadAsStringAsync(Cancel)));
    }

    [Fact]
    public async Task AlbumList_AskedWithHead_SaysNoMoreThanTheNarrowedList()
    {
        var (get, _) = await gateway.SendAsync(ScopedGateway.Frame, "GET", "/api/albums");
        var (head, _) = await gateway.SendAsync(ScopedGateway.Frame, "HEAD", "/api/albums");

        // The whole list's length or ETag would tell the client about albums outside its scope.
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal((await get.Content.ReadAsByteArrayAsync(Cancel)).Length, head.Content.Headers.ContentLength);
        Assert.False(head.Headers.Contains("ETag"));
    }

    [Fact]
    public async Task BffAlbumList_ShowsOnlyTheClientsAlbum()
    {
        var (response, _) = await gateway.SendAsync(ScopedGateway.Frame, "GET", "/bff/albums");

        Assert.Equal([FakeImmich.AlbumOne.ToString()], Ids(await response.Content.ReadAsStringAsync(Cancel)));
    }

    [Theory]
    [InlineData("/api/albums/{album}")]
    [InlineData("/bff/albums/{album}")]
    [InlineData("/api/albums/{album}/cover-image")]
    public async Task ItsAlbum_Answers(string route)
    {
        var (response, _) = await gateway.SendAsync(ScopedGateway.Frame, "GET", route.Replace("{album}", FakeImmich.AlbumOne.ToString()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/albums/{album}")]
    [InlineData("/bff/albums/{album}")]
    [InlineData("/api/albums/{album}/cover-image")]
    public async Task AnotherAlbumOfTheSameUser_Is403AndImmichIsNotContacted(string route)
    {
        var (response, seen) = await gateway.SendAsync(ScopedGateway.Frame, "GET", route.Replace("{album}", gateway.AliceOther.Id.ToString()));

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("limited to certain albums", detail);
        Assert.DoesNotContain(gateway.AliceOther.Id.ToString(), detail);
        Assert.Empty(seen);
    }

    [Theory]
    [InlineData("/api/assets/{id}")]
    [InlineData("/api/assets/{id}/thumbnail")]
    [InlineData("/api/assets/{id}/original")]
    [InlineData("/api/assets/{id}/video/playback")]
    [InlineData("/api/assets/{id}/video/stream/9c1f5a3e-2b7d-4e8a-9f10-3c5d7e9a1b2c/0/playlist.m3u8")] // HLS (alpha in Immich 3.1): playlists and segments
    [InlineData("/api/assets/{id}/video/stream/9c1f5a3e-2b7d-4e8a-9f10-3c5d7e9a1b2c/0/segment-1.ts")]
    public async Task AssetInItsAlbum_Answers(string route)
    {
        var (response, seen) = await gateway.SendAsync(ScopedGateway.Frame, "GET", route.Replace("{id}", InAlbum));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(seen, s => s.Path == route.Replace("{id}", InAlbum));
    }

    [Theory]
    [InlineData("/api/assets/{id}")]
    [InlineData("/api/assets/{id}/thumbnail")]
    [InlineData("/api/assets/{id}/original")]
    [InlineData("/api/assets/{id}/video/playback")]
    [InlineData("/api/assets/{id}/video/stream/9c1f5a3e-2b7d-4e8a-9f10-3c5d7e9a1b2c/0/playlist.m3u8")]
    [InlineData("/bff/assets/{id}")]
    public async Task AssetOutsideItsAlbums_Is403_AndOnlyMembershipIsAskedOfImmich(string route)
    {
        var (response, seen) = await gateway.SendAsync(ScopedGateway.Frame, "GET", route.Replace("{id}", OutsideAlbum));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.All(seen, s => Assert.Equal(("/api/albums", $"?assetId={OutsideAlbum}"), (s.Path, s.Query)));
    }

    [Fact]
    public async Task AssetScreen_NamesOnlyTheClientsAlbums()
    {
        var shared = gateway.Immich.AddAlbum(0, TestUsers.Alice);
        shared.Assets.Add(gateway.Immich.Album(FakeImmich.AlbumOne).Assets[0]); // the asset is in album one and in another album of Alice's
        var asset = gateway.Immich.Album(FakeImmich.AlbumOne).Assets[0]["id"]!.GetValue<string>();

        var (frame, _) = await gateway.SendAsync(ScopedGateway.Frame, "GET", $"/bff/assets/{asset}");
        var (phone, _) = await gateway.SendAsync(TestUsers.AlicePhone, "GET", $"/bff/assets/{asset}");

        Assert.Equal([FakeImmich.AlbumOne.ToString()], AlbumIds(await frame.Content.ReadAsStringAsync(Cancel)));
        Assert.Contains(shared.Id.ToString(), AlbumIds(await phone.Content.ReadAsStringAsync(Cancel)));
    }

    [Fact]
    public async Task AssetMembership_IsAskedOnceAndRemembered()
    {
        var asset = FakeImmich.AlbumOneAssets[3];

        var (_, first) = await gateway.SendAsync(ScopedGateway.Frame, "GET", $"/api/assets/{asset}/thumbnail");
        var (_, second) = await gateway.SendAsync(ScopedGateway.Frame, "GET", $"/api/assets/{asset}/thumbnail?size=preview");

        Assert.Single(first, s => s.Path == "/api/albums");
        Assert.DoesNotContain(second, s => s.Path == "/api/albums");
    }

    [Fact]
    public async Task ThumbnailFetchedByTheUsersPhone_IsStillRefusedToTheFrame()
    {
        var (phone, _) = await gateway.SendAsync(TestUsers.AlicePhone, "GET", $"/api/assets/{OutsideAlbum}/thumbnail");
        var (frame, seen) = await gateway.SendAsync(ScopedGateway.Frame, "GET", $"/api/assets/{OutsideAlbum}/thumbnail");

        Assert.Equal(HttpStatusCode.OK, phone.StatusCode);
        await ProblemAssert.IsProblemAsync(frame, HttpStatusCode.Forbidden);
        Assert.DoesNotContain(seen, s => s.Path.EndsWith("/thumbnail", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{}", "[\"{one}\"]")]
    [InlineData("{\"albumIds\":[\"{one}\"],\"size\":10}", "[\"{one}\"]")] // its album with another: ScopeEdgeTests (403)
    public async Task Search_IsNarrowedToItsAlbums(string body, string expectedAlbumIds)
    {
        var (response, seen) = await gateway.SendAsync(ScopedGateway.Frame, "POST", "/api/search/metadata", Fill(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var search = seen.Only("POST", "/api/search/metadata").Json()!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Fill(expectedAlbumIds)), search["albumIds"]));
    }

    [Fact]
    public async Task Search_OnlyInAnotherAlbum_Is403WithoutCallingImmich()
    {
        var (response, seen) = await gateway.SendAsync(ScopedGateway.Frame, "POST", "/api/search/metadata", Fill("{\"albumIds\":[\"{other}\"]}"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Empty(seen);
    }

    /// <summary>
    /// The narrowed search must be read by Immich as the gateway read it: Immich also parses form bodies (the JSON text
    /// would become one unknown key, dropped, and the search would run over the whole library) and inflates gzip.
    /// </summary>
    [Theory]
    [InlineData("application/x-www-form-urlencoded", null)]
    [InlineData("text/plain", null)]
    [InlineData("application/json", "gzip")]
    public async Task Search_WithABodyImmichWouldReadOtherwise_Is415WithoutCallingImmich(string contentType, string? encoding)
    {
        var content = new StringContent("{}", System.Text.Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        if (encoding is not null)
        {
            content.Headers.ContentEncoding.Add(encoding);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/search/metadata") { Content = content };

        var (response, seen) = await gateway.SendAsync(ScopedGateway.Frame, request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Empty(seen);
    }

    [Fact]
    public async Task Search_NamingAlbumIdsTwice_Is400WithoutCallingImmich()
    {
        // JSON.parse keeps the last albumIds: the gateway must not narrow the first and forward both.
        var (response, seen) = await gateway.SendAsync(ScopedGateway.Frame, "POST", "/api/search/metadata",
            Fill("{\"albumIds\":[\"{one}\"],\"albumIds\":[\"{other}\"]}"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Empty(seen);
    }

    [Fact]
    public async Task Search_NarrowedBody_IsSentAsJson()
    {
        var (response, seen) = await gateway.SendAsync(ScopedGateway.Frame, "POST", "/api/search/metadata", "{\"size\":5}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = seen.Only("POST", "/api/search/metadata");
        Assert.StartsWith("application/json", sent.Header("content-type"));
        Assert.Equal(sent.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), sent.Header("content-length"));
    }

    [Fact]
    public async Task Search_ChunkedBodyPastTheLimit_Is413WithoutCallingImmich()
    {
        await using var small = new ScopedGateway();
        small.Settings["Gateway:MaxRequestBodySize"] = "1024";
        await small.InitializeAsync();
        var body = "{\"description\":\"" + new string('x', 4096) + "\"}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/search/metadata")
        {
            Content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body))), // no length: chunked
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        var (response, seen) = await small.SendAsync(ScopedGateway.Frame, request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty(seen);
    }

    /// <summary>A key removed by a reload between its authentication and the scope check: refused, never given its user's full rights.</summary>
    [Fact]
    public async Task KeyRemovedAfterAuthentication_IsRefusedByTheScopeCheck()
    {
        var passed = false;
        var middleware = ActivatorUtilities.CreateInstance<ImmichGateway.Scopes.ClientScopeMiddleware>(gateway.Services,
            (RequestDelegate)(_ => { passed = true; return Task.CompletedTask; }));
        var context = new DefaultHttpContext { RequestServices = gateway.Services };
        context.Request.Method = "POST";
        context.Request.Path = "/api/search/metadata";
        context.Response.Body = new MemoryStream();
        var removedKey = new string('0', 64); // a hash no configured client has
        context.User = new System.Security.Claims.ClaimsPrincipal(
            ImmichGateway.Auth.GatewayCaller.CreateIdentity(TestUsers.Alice.GatewayName, ScopedGateway.Frame.Name, removedKey, "ClientKey"));

        await middleware.InvokeAsync(context);

        Assert.False(passed);
        Assert.Equal((StatusCodes.Status401Unauthorized, "application/problem+json"), (context.Response.StatusCode, context.Response.ContentType));
    }

    [Fact]
    public async Task ReferenceAssetList_IsNarrowedToItsAlbums()
    {
        var (response, seen) = await gateway.SendAsync(ScopedGateway.Frame, "GET", "/api/assets?size=10");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FakeImmich.AlbumOne.ToString(), seen.Only("POST", "/api/search/metadata").Json()!["albumIds"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("PUT", "/api/assets/{asset}", "{\"isFavorite\":true}")]
    [InlineData("PATCH", "/api/assets/{asset}", "{\"isFavorite\":true}")]
    [InlineData("DELETE", "/api/assets", "{\"ids\":[\"{asset}\"]}")]
    [InlineData("DELETE", "/api/assets/{asset}", null)]
    [InlineData("POST", "/api/albums", "{\"albumName\":\"x\"}")]
    [InlineData("PUT", "/api/albums/{one}", "{\"albumName\":\"x\"}")]
    [InlineData("DELETE", "/api/albums/{one}", null)]
    [InlineData("PUT", "/api/albums/{one}/assets", "{\"ids\":[\"{asset}\"]}")]
    [InlineData("POST", "/api/assets", "x")]
    [InlineData("PUT", "/api/assets/{asset}/favorite", null)]
    [InlineData("POST", "/api/shared-links", "{\"type\":\"ALBUM\",\"albumId\":\"{one}\"}")]
    [InlineData("POST", "/api/jobs", "{\"name\":\"thumbnail-generation\"}")]
    public async Task EveryWrite_Is403AndImmichIsNotContacted(string method, string route, string? body)
    {
        var (response, seen) = await gateway.SendAsync(ScopedGateway.Frame, method, Fill(route), body is null ? null : Fill(body));

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal("This client key is read-only.", detail);
        Assert.Empty(seen);
    }

    [Theory]
    [InlineData("/api/users/me")]
    [InlineData("/api/timeline/buckets")]
    [InlineData("/bff/overview")]
    [InlineData("/api/server/statistics")]
    public async Task OtherReadRoutes_AreRefusedToAnAlbumScopedClient(string route)
    {
        var (response, seen) = await gateway.SendAsync(ScopedGateway.Frame, "GET", route);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Empty(seen);
    }

    [Fact]
    public async Task PublicRoutes_StillAnswer()
    {
        var (response, _) = await gateway.SendAsync(ScopedGateway.Frame, "GET", "/api/server/ping");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private string Fill(string text) => text
        .Replace("{one}", FakeImmich.AlbumOne.ToString())
        .Replace("{other}", gateway.AliceOther.Id.ToString())
        .Replace("{asset}", InAlbum);

    private static List<string> AlbumIds(string json) =>
        JsonNode.Parse(json)!["albums"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()).ToList();

    private static List<string> Ids(string json) =>
        JsonNode.Parse(json)!.AsArray().Select(a => a!["id"]!.GetValue<string>()).ToList();
}
