using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ImmichGateway.Tests.Fixtures;
using Microsoft.AspNetCore.WebUtilities;

namespace ImmichGateway.Tests.Proxy;

/// <summary>
/// The routes of the seed endpoint list (shared/immich/seed-endpoints.md) that Immich v3.1 still serves at the same
/// method and path go through the gateway untouched: Immich sees the same request with the user's own key, and the
/// client gets exactly what Immich answered, status, headers and bytes.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class SeedRoutesRoundTripTests(GatewayFactory gateway)
{
    private const string Album = "1001bb5e-afab-4dd6-918c-53bf41379a9d";
    private const string Asset = "1564c2d8-8ce2-4842-a7e8-9810c8e1e8fa";
    private const string TaggedAsset = "f2cbfa21-be82-40f8-aaa0-c447f88279e5";
    private const string AliceId = "72650179-b1ca-458d-8ac9-f1fa32814fa0";
    private const string Tag = "6aef9929-0320-471b-a037-7c9a033d0403";
    private const string SharedLink = "26215866-9eff-49a4-bd1e-e7fae9e20773";
    private const string Activity = "092118f3-e0f9-4b07-bc99-5e83b5638588";
    private const string Library = "3f1b7c1e-0a7d-4a53-9d1c-5b2f6f0e8a11";
    private const string Upload = "multipart";
    private const string Boundary = "seed-route-boundary";

    /// <summary>The headers a client relies on; each must arrive exactly as Immich sent it.</summary>
    private static readonly string[] PassedHeaders =
        ["content-type", "content-length", "etag", "last-modified", "cache-control", "content-disposition", "accept-ranges", "content-range", "location"];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>
    /// Every seed route, and whether Immich v3.1 serves it at the same method and path (its OpenAPI document, with
    /// OBSERVED.md: PUT albums/shared-links became PATCH, the asset list and DELETE /assets/{id} are gone, search and
    /// download moved to POST, /server-info became /server, and remove-offline no longer exists).
    /// </summary>
    public static TheoryData<string, bool> SeedRoutes => new()
    {
        { "GET /albums", true }, { "POST /albums", true }, { "GET /albums/{id}", true }, { "PUT /albums/{id}", false },
        { "DELETE /albums/{id}", true }, { "PUT /albums/{id}/assets", true }, { "DELETE /albums/{id}/assets", true },
        { "GET /albums/{id}/cover-image", false }, { "PUT /albums/{id}/cover-image", false },
        { "GET /assets", false }, { "POST /assets", true }, { "GET /assets/{id}", true }, { "PUT /assets/{id}", true },
        { "DELETE /assets/{id}", false }, { "GET /assets/{id}/thumbnail", true }, { "GET /assets/{id}/original", true },
        { "GET /assets/{id}/video/playback", true }, { "PUT /assets/{id}/restore", false },
        { "PUT /assets/{id}/archive", false }, { "PUT /assets/{id}/favorite", false },
        { "GET /users", true }, { "POST /users", false }, { "GET /users/me", true }, { "GET /users/{id}", true },
        { "PUT /users/{id}", false }, { "DELETE /users/{id}", false }, { "PUT /users/{id}/profile-image", false },
        { "GET /libraries", true }, { "POST /libraries", true }, { "GET /libraries/{id}", true }, { "PUT /libraries/{id}", true },
        { "DELETE /libraries/{id}", true }, { "POST /libraries/{id}/scan", true }, { "POST /libraries/{id}/remove-offline", false },
        { "POST /search/assets", false }, { "GET /search/metadata", false },
        { "GET /jobs", true }, { "POST /jobs", true }, { "DELETE /jobs/{id}", false },
        { "GET /server-info/ping", false }, { "GET /server-info/stats", false }, { "GET /server-info/features", false },
        { "GET /tags", true }, { "POST /tags", true }, { "PUT /tags/{id}", true }, { "DELETE /tags/{id}", true },
        { "GET /shared-links", true }, { "POST /shared-links", true }, { "PUT /shared-links/{id}", false }, { "DELETE /shared-links/{id}", true },
        { "GET /activities", true }, { "POST /activities", true }, { "DELETE /activities/{id}", true },
        { "GET /download/info", false }, { "GET /download/archive", false },
    };

    /// <summary>One concrete request for each surviving seed route: client, method, path (and query), JSON body.</summary>
    public static TheoryData<string, string, string, string?> RoundTrips => new()
    {
        { "alice", "GET", "/api/albums", null },
        { "alice", "POST", "/api/albums", """{"albumName":"Round trip","assetIds":[]}""" },
        { "ada", "DELETE", $"/api/albums/{Album}", null },
        { "alice", "PUT", $"/api/albums/{Album}/assets", $$"""{"ids":["{{Asset}}"]}""" },
        { "alice", "DELETE", $"/api/albums/{Album}/assets", $$"""{"ids":["{{Asset}}"]}""" },
        { "ada", "POST", "/api/assets", Upload },
        { "alice", "GET", $"/api/assets/{TaggedAsset}", null },
        { "alice", "PUT", $"/api/assets/{TaggedAsset}", """{"isFavorite":true}""" },
        { "alice", "GET", $"/api/assets/{Asset}/thumbnail", null },
        { "alice", "GET", $"/api/assets/{Asset}/original", null },
        { "alice", "GET", $"/api/assets/{Asset}/video/playback", null },
        { "bob", "GET", "/api/users", null },
        { "alice", "GET", "/api/users/me", null },
        { "bob", "GET", $"/api/users/{AliceId}", null },
        { "ada", "GET", "/api/libraries", null },
        { "ada", "POST", "/api/libraries", $$"""{"ownerId":"{{TestUsers.Ada.Id}}","importPaths":["/mnt/photos"],"name":"Round trip"}""" },
        { "ada", "GET", $"/api/libraries/{Library}", null },
        { "ada", "PUT", $"/api/libraries/{Library}", """{"name":"Renamed"}""" },
        { "ada", "DELETE", $"/api/libraries/{Library}", null },
        { "ada", "POST", $"/api/libraries/{Library}/scan", null },
        { "ada", "GET", "/api/jobs", null },
        { "ada", "POST", "/api/jobs", """{"name":"person-cleanup"}""" },
        { "alice", "GET", "/api/tags", null },
        { "alice", "POST", "/api/tags", """{"name":"Round trip"}""" },
        { "alice", "PUT", $"/api/tags/{Tag}", """{"color":"#ff0000"}""" },
        { "alice", "DELETE", $"/api/tags/{Tag}", null },
        { "ada", "GET", "/api/shared-links", null },
        { "ada", "POST", "/api/shared-links", $$"""{"type":"ALBUM","albumId":"{{Album}}"}""" },
        { "ada", "DELETE", $"/api/shared-links/{SharedLink}", null },
        { "ada", "GET", $"/api/activities?albumId={Album}", null },
        { "alice", "POST", "/api/activities", $$"""{"albumId":"{{Album}}","assetId":"{{Asset}}","type":"comment","comment":"Round trip"}""" },
        { "alice", "DELETE", $"/api/activities/{Activity}", null },
    };

    [Theory]
    [MemberData(nameof(SeedRoutes))]
    public void SeedRoute_InImmichV3_IsServedExactlyWhenListed(string route, bool served)
    {
        var (method, template) = Split(route);

        var operation = ImmichSpec.Find(method, "/api" + template.Replace("{id}", Guid.NewGuid().ToString()), out _);

        Assert.Equal(served, operation?.Template == template);
    }

    /// <summary>
    /// Surviving routes where the reference's meaning wins as a superset (Immich's album JSON plus <c>assets</c> and
    /// <c>owner</c>): the reference-API tests cover them (Reference/ReferenceAlbumAndListTests).
    /// </summary>
    private static readonly string[] ServedAsSuperset = ["GET /albums/{id}"];

    [Fact]
    public void RoundTrips_CoverEverySurvivingSeedRouteOnce()
    {
        var surviving = SeedRoutes.Where(row => row.Data.Item2).Select(row => row.Data.Item1).Except(ServedAsSuperset).Order().ToList();

        var covered = RoundTrips.Select(row => $"{row.Data.Item2} {ImmichSpec.Find(row.Data.Item2, PathOnly(row.Data.Item3), out _)?.Template}").Order().ToList();

        Assert.Equal(surviving, covered);
    }

    [Theory]
    [MemberData(nameof(RoundTrips))]
    public async Task SeedRoute_ThroughGateway_ReachesImmichUnchangedAndAnswersAsImmich(string caller, string method, string path, string? body)
    {
        var client = Client(caller);
        var marker = $"seed-{Guid.NewGuid():N}";
        var (bytes, contentType) = await BodyAsync(body);
        using var expected = await DirectAsync(client.User, method, WithMarker(path, $"seed-{Guid.NewGuid():N}"), bytes, contentType);
        using var http = gateway.CreateClient(client);

        using var response = await http.SendAsync(Request(method, WithMarker(path, marker), bytes, contentType), Cancel);

        var seen = Assert.Single(gateway.Immich.RequestsMatching(marker));
        Assert.Equal((method, PathOnly(path), "?" + WithMarker(path, marker).Split('?')[1]), (seen.Method, seen.Path, seen.Query));
        Assert.Equal(client.User.ImmichKey, seen.Header("x-api-key"));
        Assert.DoesNotContain(seen.Headers.Values, value => TestUsers.Clients.Any(c => value.Contains(c.Key, StringComparison.Ordinal)));
        Assert.Equal((bytes.Length, Sha256(bytes), contentType), (seen.BodyLength, seen.BodySha256, seen.Header("content-type")));
        Assert.Equal(bytes, seen.Body);
        Assert.Equal(expected.StatusCode, response.StatusCode);
        if (body == Upload || (method, path) == ("POST", "/api/albums"))
        {
            // Immich mints a new id for every asset it stores and every album it creates, so two answers differ in
            // that id (and the new album's timestamps) only.
            Assert.Equal(await MaskMintedAsync(expected), await MaskMintedAsync(response));
            return;
        }
        AssertSameHeaders(expected, response);
        Assert.Equal(await expected.Content.ReadAsByteArrayAsync(Cancel), await response.Content.ReadAsByteArrayAsync(Cancel));
    }

    [Fact]
    public async Task Query_WithReservedCharacters_ReachesImmichWithTheSameParameters()
    {
        var marker = $"query-{Guid.NewGuid():N}";
        var query = $"?takenAfter=2025-01-01T00:00:00.000Z&q=a+b&e=%C3%A9&dup=1&dup=2&marker={marker}";
        using var http = gateway.CreateClient(TestUsers.AdaCli);

        using var response = await http.GetAsync("/api/albums" + query, Cancel);

        // The gateway rebuilds the query string (it parses it to drop credential parameters), so its bytes may differ
        // (':' becomes %3A, '+' becomes %20), but Immich must read the same parameters in the same order.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(gateway.Immich.RequestsMatching(marker));
        Assert.Equal(Parameters(query), Parameters(seen.Query));
    }

    [Theory]
    [InlineData("PUT", $"/api/assets/{TaggedAsset}", """{"isFavorite":true}""")]
    [InlineData("PATCH", $"/api/assets/{TaggedAsset}", """{"isFavorite":false}""")]
    [InlineData("PATCH", $"/api/albums/{Album}", """{"albumName":"Renamed trip"}""")]
    public async Task UpdateRequest_ThroughGateway_KeepsItsMethodAndBody(string method, string path, string body)
    {
        var marker = $"update-{Guid.NewGuid():N}";
        using var http = gateway.CreateClient(TestUsers.AlicePhone);

        using var response = await http.SendAsync(Request(method, WithMarker(path, marker), Encoding.UTF8.GetBytes(body), "application/json"), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(gateway.Immich.RequestsMatching(marker));
        Assert.Equal((method, body), (seen.Method, seen.BodyText));
    }

    [Theory]
    [InlineData("/api/albums", "\"477-+T19aKJjn3hDrc/dZCwUzws3tRs\"")]
    [InlineData($"/api/assets/{Asset}/thumbnail", "W/\"284-1a21ca6b058\"")]
    public async Task ConditionalGet_WithImmichsETag_PassesNotModifiedThrough(string path, string etag)
    {
        var marker = $"etag-{Guid.NewGuid():N}";
        using var http = gateway.CreateClient(TestUsers.AliceKiosk);
        using var request = new HttpRequestMessage(HttpMethod.Get, WithMarker(path, marker));
        request.Headers.TryAddWithoutValidation("If-None-Match", etag);

        using var response = await http.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal(etag, Raw(response, "etag"));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Cancel));
        Assert.Equal(etag, Assert.Single(gateway.Immich.RequestsMatching(marker)).Header("if-none-match"));
    }

    /// <summary>
    /// If-Modified-Since (Immich's Last-Modified sent back) reaches Immich as the client wrote it and Immich's 304 comes
    /// back: on the proxy path, on the thumbnail route forwarded, and on a thumbnail the cache does not hold yet.
    /// </summary>
    [Theory]
    [InlineData("/api/assets/{asset}/original?marker={marker}", "GET_api_assets_{id}_original.admin.json")]
    [InlineData("/api/assets/{asset}/thumbnail?marker={marker}", "GET_api_assets_{id}_thumbnail.admin.json")]
    [InlineData("/api/assets/{asset}/thumbnail", "GET_api_assets_{id}_thumbnail.admin.json")]
    public async Task ConditionalGet_WithIfModifiedSince_ReachesImmichUnchangedAndPassesNotModifiedThrough(string path, string file)
    {
        var lastModified = Recordings.Get(file).Headers["last-modified"];
        var asset = gateway.Immich.AddAlbum(1, TestUsers.Alice).Assets[0]["id"]!.GetValue<string>(); // not cached yet
        using var http = gateway.CreateClient(TestUsers.AliceKiosk);
        using var request = new HttpRequestMessage(HttpMethod.Get, path.Replace("{asset}", asset).Replace("{marker}", $"since-{Guid.NewGuid():N}"));
        request.Headers.TryAddWithoutValidation("If-Modified-Since", lastModified);

        using var response = await http.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Cancel));
        Assert.Equal(lastModified, Assert.Single(gateway.Immich.RequestsMatching(asset)).Header("if-modified-since"));
    }

    [Fact]
    public async Task Thumbnail_FullsizeRequested_PassesImmichsRelativeRedirectThrough()
    {
        var marker = $"redirect-{Guid.NewGuid():N}";
        using var http = gateway.CreateClient(TestUsers.AdaCli);

        using var response = await http.GetAsync($"/api/assets/{Asset}/thumbnail?size=fullsize&marker={marker}", Cancel);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal($"original?marker={marker}", Raw(response, "location"));
    }

    [Theory]
    [InlineData($"/api/assets/{Asset}/original", "GET_api_assets_{id}_original.admin.json")]
    [InlineData($"/api/assets/{Asset}/thumbnail", "GET_api_assets_{id}_thumbnail.admin.json")]
    [InlineData($"/api/assets/{Asset}/thumbnail?size=preview", "GET_api_assets_{id}_thumbnail__size=preview.admin.json")]
    public async Task MediaFile_ThroughGateway_KeepsImmichsCachingAndDispositionHeaders(string path, string file)
    {
        var recording = Recordings.Get(file);
        using var http = gateway.CreateClient(TestUsers.AdaCli);

        using var response = await http.GetAsync(WithMarker(path, $"media-{Guid.NewGuid():N}"), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(PassedHeaders.Where(recording.Headers.ContainsKey), name => Assert.Equal((name, recording.Headers[name]), (name, Raw(response, name))));
        Assert.Equal(recording.BodyBytes, await response.Content.ReadAsByteArrayAsync(Cancel));
    }

    [Fact]
    public async Task Original_WithRange_PassesImmichsPartialContentThrough()
    {
        var recording = Recordings.Get("GET_api_assets_{id}_original.range-0-99.admin.json");
        var marker = $"range-{Guid.NewGuid():N}";
        using var http = gateway.CreateClient(TestUsers.AdaCli);
        using var request = new HttpRequestMessage(HttpMethod.Get, WithMarker(recording.Path, marker));
        request.Headers.TryAddWithoutValidation("Range", recording.RequestHeaders["range"]);

        using var response = await http.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("bytes 0-99/503", Raw(response, "content-range"));
        Assert.Equal(recording.BodyBytes, await response.Content.ReadAsByteArrayAsync(Cancel));
        Assert.Equal("bytes=0-99", Assert.Single(gateway.Immich.RequestsMatching(marker)).Header("range"));
    }

    [Fact]
    public async Task VideoPlayback_WithRange_PassesImmichsPartialContentThrough()
    {
        using var http = gateway.CreateClient(TestUsers.AliceKiosk);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/assets/{Asset}/video/playback?marker=video-{Guid.NewGuid():N}");
        request.Headers.Range = new RangeHeaderValue(1024, 2047);

        using var response = await http.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("bytes 1024-2047/1048576", Raw(response, "content-range"));
        Assert.Equal("video/mp4", Raw(response, "content-type"));
        Assert.Equal(1024, (await response.Content.ReadAsByteArrayAsync(Cancel)).Length);
    }

    [Theory]
    [InlineData("bob", "GET_api_assets_{id}.user2-noaccess.json")]
    [InlineData("bob", "GET_api_assets_{id}_thumbnail.user2-noaccess.json")]
    [InlineData("bob", "GET_api_assets_{id}_original.user2-noaccess.json")]
    [InlineData("bob", "GET_api_albums_{id}.user2-nonmember.json")]
    [InlineData("ada", "GET_api_albums_not-a-uuid.admin.json")]
    [InlineData("alice", "GET_api_server_statistics.user1.json")]
    public async Task ImmichError_ThroughGateway_ArrivesByteForByteAsImmichSentIt(string caller, string file)
    {
        var recording = Recordings.Get(file);
        var body = recording.RequestBody is { } json ? Encoding.UTF8.GetBytes(json.ToJsonString()) : [];
        using var http = gateway.CreateClient(Client(caller));

        using var response = await http.SendAsync(Request(recording.Method, recording.Path, body, body.Length > 0 ? "application/json" : null), Cancel);

        Assert.Equal(recording.Status, (int)response.StatusCode);
        Assert.All(PassedHeaders.Where(recording.Headers.ContainsKey), name => Assert.Equal((name, recording.Headers[name]), (name, Raw(response, name))));
        Assert.Equal(recording.BodyBytes, await response.Content.ReadAsByteArrayAsync(Cancel));
    }

    private static TestClient Client(string caller) => caller switch
    {
        "ada" => TestUsers.AdaCli,
        "alice" => TestUsers.AliceKiosk,
        "bob" => TestUsers.BobFrame,
        _ => throw new ArgumentOutOfRangeException(nameof(caller), caller, null),
    };

    private async Task<HttpResponseMessage> DirectAsync(ImmichUser user, string method, string url, byte[] body, string? contentType)
    {
        using var immich = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = gateway.Immich.BaseUrl };
        immich.DefaultRequestHeaders.Add("x-api-key", user.ImmichKey);
        var response = await immich.SendAsync(Request(method, url, body, contentType), Cancel);
        await response.Content.LoadIntoBufferAsync(Cancel);
        return response;
    }

    private static HttpRequestMessage Request(string method, string url, byte[] body, string? contentType)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (contentType is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        return request;
    }

    /// <summary>The request body's bytes and content type; the upload is a real multipart form with a fixed boundary.</summary>
    private static async Task<(byte[] Bytes, string? ContentType)> BodyAsync(string? body)
    {
        if (body != Upload)
        {
            return body is null ? ([], null) : (Encoding.UTF8.GetBytes(body), "application/json");
        }
        using var form = new MultipartFormDataContent(Boundary);
        var file = new ByteArrayContent(Recordings.Get("GET_api_assets_{id}_original.admin.json").BodyBytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "assetData", "IMG_0099.jpg");
        form.Add(new StringContent("round-trip-device"), "deviceId");
        form.Add(new StringContent("2025-04-17T10:27:00.000Z"), "fileCreatedAt");
        form.Add(new StringContent("2025-04-17T10:27:00.000Z"), "fileModifiedAt");
        return (await form.ReadAsByteArrayAsync(Cancel), form.Headers.ContentType!.ToString());
    }

    private static void AssertSameHeaders(HttpResponseMessage expected, HttpResponseMessage actual) =>
        Assert.All(PassedHeaders, name => Assert.Equal((name, Raw(expected, name)), (name, Raw(actual, name))));

    private static async Task<string> MaskMintedAsync(HttpResponseMessage response)
    {
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!.AsObject();
        Assert.True(Guid.TryParse(json["id"]?.GetValue<string>(), out _));
        foreach (var minted in new[] { "id", "updatedAt", "lastModifiedAssetTimestamp" }.Where(json.ContainsKey))
        {
            json[minted] = "minted";
        }
        return $"{(int)response.StatusCode} {response.Content.Headers.ContentType} {json.ToJsonString()}";
    }

    /// <summary>A header as it was sent (HttpClient would re-format a Cache-Control or Content-Range it parsed).</summary>
    private static string? Raw(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) || response.Content.Headers.NonValidated.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;

    private static string[] Parameters(string query) =>
        QueryHelpers.ParseQuery(query).SelectMany(p => p.Value.Select(v => $"{p.Key}={v}")).ToArray();

    private static string WithMarker(string path, string marker) => $"{path}{(path.Contains('?') ? '&' : '?')}marker={marker}";

    private static string PathOnly(string path) => path.Split('?')[0];

    private static (string Method, string Template) Split(string route) => (route.Split(' ')[0], route.Split(' ')[1]);

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
