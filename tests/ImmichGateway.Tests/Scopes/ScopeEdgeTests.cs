using System.Net;
using ImmichGateway.Tests.Fixtures;
using ImmichGateway.Tests.Reference;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ImmichGateway.Tests.Scopes;

/// <summary>Alice's limited clients (<see cref="ScopedGateway"/>) plus one scoped to two albums: album one and one of her own.</summary>
public sealed class TwoAlbumScopedGateway : ReferenceGateway
{
    public static readonly TestClient TwoAlbums = new(TestUsers.Alice, "twoalbums", "igw_alice_twoalbums_Tw0Tw0Tw0Tw0Tw0Tw0Tw0Tw0Tw0Tw0");

    public TwoAlbumScopedGateway()
    {
        ScopedGateway.AddClients(Settings);
        Settings[$"Gateway:Users:alice:Clients:{TwoAlbums.Name}:KeySha256"] = TwoAlbums.KeySha256;
        Settings["Gateway:Users:alice:Clients:twoalbums:Albums:0"] = FakeImmich.AlbumOne.ToString();
    }

    public FakeAlbum Second { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Immich.ServeFromState = true;
        Second = Immich.AddAlbum(3, TestUsers.Alice);
        Settings["Gateway:Users:alice:Clients:twoalbums:Albums:1"] = Second.Id.ToString(); // the host is built on first use
    }
}

/// <summary>
/// Limits at their edges: a scope of several albums meets Immich's search, which finds only assets in every album it
/// is given; Immich failing while the album check asks it; HEAD under a GET allow-list; clients behind two proxies.
/// </summary>
public sealed class ScopeEdgeTests(TwoAlbumScopedGateway gateway) : IClassFixture<TwoAlbumScopedGateway>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("POST", "/api/search/metadata", "{}")]
    [InlineData("GET", "/api/assets", null)]
    public async Task SeveralAlbumClient_SearchingWithoutAnAlbum_Is400_NotTheAlbumsIntersection(string method, string route, string? body)
    {
        var (response, seen) = await gateway.SendAsync(TwoAlbumScopedGateway.TwoAlbums, method, route, body);

        Assert.Contains("Immich's search finds only assets that are in every album", await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest));
        Assert.DoesNotContain(seen, s => s.Path == "/api/search/metadata");
    }

    [Theory]
    [InlineData("POST", "/api/search/metadata", "{\"albumIds\":[\"{second}\"]}")]
    [InlineData("GET", "/api/assets?albumId={second}", null)]
    public async Task SeveralAlbumClient_SearchingOneOfItsAlbums_SeesThatAlbum(string method, string route, string? body)
    {
        var second = gateway.Second.Id.ToString();

        var (response, seen) = await gateway.SendAsync(TwoAlbumScopedGateway.TwoAlbums, method, route.Replace("{second}", second), body?.Replace("{second}", second));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.All(gateway.Second.Assets, a => Assert.Contains(a["id"]!.GetValue<string>(), text));
        Assert.Equal([second], seen.Only("POST", "/api/search/metadata").Json()!["albumIds"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    [Fact]
    public async Task AlbumClient_SearchingItsAlbumTogetherWithAnother_Is403_NotWidenedToItsOwn()
    {
        // Immich would answer the assets in both; dropping the other album would answer all of album one instead.
        var body = $"{{\"albumIds\":[\"{FakeImmich.AlbumOne}\",\"{gateway.Second.Id}\"]}}";

        var (response, seen) = await gateway.SendAsync(ScopedGateway.Frame, "POST", "/api/search/metadata", body);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.DoesNotContain(seen, s => s.Path == "/api/search/metadata");
    }

    [Fact]
    public async Task MembershipLookupFailing_IsImmichsError_AndIsNotRemembered()
    {
        var asset = FakeImmich.AlbumOneAssets[2];

        gateway.Immich.Failing["getAllAlbums"] = true;
        HttpResponseMessage during;
        try
        {
            (during, _) = await gateway.SendAsync(ScopedGateway.Frame, "GET", $"/api/assets/{asset}");
        }
        finally
        {
            gateway.Immich.Failing.TryRemove("getAllAlbums", out _);
        }
        var (after, _) = await gateway.SendAsync(ScopedGateway.Frame, "GET", $"/api/assets/{asset}");

        Assert.Equal(HttpStatusCode.InternalServerError, during.StatusCode); // Immich's 500, as Immich sent it: not "outside its albums"
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Theory]
    [InlineData("/api/albums")]
    [InlineData("/api/albums/1001bb5e-afab-4dd6-918c-53bf41379a9d")]
    public async Task RouteAllowList_GetRule_AlsoAllowsHead(string route)
    {
        var (head, _) = await gateway.SendAsync(ScopedGateway.Script, "HEAD", route);
        var (delete, _) = await gateway.SendAsync(ScopedGateway.Script, "DELETE", route);

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
    }

    [Fact]
    public async Task AnonymousCallers_BehindTwoTrustedProxies_GetABucketEach()
    {
        await using var proxied = await GatewayFactory.StartAsync(
            ("Gateway:KnownProxies:0", "10.0.0.7"),
            ("Gateway:KnownProxies:1", "10.0.0.8"),
            ("Gateway:RateLimit:AnonymousPermitLimit", "2"),
            ("Gateway:RateLimit:AnonymousTokensPerSecond", "1"));

        var first = await PingAsync(proxied, "198.51.100.1, 10.0.0.8", times: 3);
        var second = await PingAsync(proxied, "198.51.100.2, 10.0.0.8", times: 2);
        var untrusted = await PingAsync(proxied, "198.51.100.3, 203.0.113.9", times: 3); // an untrusted hop: unwrapping stops there

        Assert.Contains(StatusCodes.Status429TooManyRequests, first);
        Assert.Equal([StatusCodes.Status200OK, StatusCodes.Status200OK], second); // another client: its own bucket
        Assert.Contains(StatusCodes.Status429TooManyRequests, untrusted);
    }

    [Fact]
    public async Task AlbumChecksOfManyAssets_AreRememberedUpToTheSetLimit()
    {
        await using var bounded = new TwoAlbumScopedGateway();
        bounded.Settings["Gateway:Scopes:MembershipCacheEntries"] = "3";
        await bounded.InitializeAsync();

        for (var i = 0; i < 10; i++)
        {
            var (refused, _) = await bounded.SendAsync(ScopedGateway.Frame, "GET", $"/api/assets/{Guid.NewGuid()}"); // ids nobody has
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Forbidden);
        }
        var (inAlbum, _) = await bounded.SendAsync(ScopedGateway.Frame, "GET", $"/api/assets/{FakeImmich.AlbumOneAssets[0]}");

        Assert.InRange(bounded.Services.GetRequiredService<ImmichGateway.Scopes.AlbumMembershipCache>().Count, 1, 3);
        Assert.Equal(HttpStatusCode.OK, inAlbum.StatusCode); // a full cache only means asking Immich again
    }

    private static async Task<List<int>> PingAsync(GatewayFactory gateway, string forwardedFor, int times)
    {
        var statuses = new List<int>();
        for (var i = 0; i < times; i++)
        {
            var context = await gateway.Server.SendAsync(c =>
            {
                c.Request.Method = HttpMethods.Get;
                c.Request.Path = "/api/server/ping";
                c.Connection.RemoteIpAddress = IPAddress.Parse("10.0.0.7");
                c.Request.Headers["X-Forwarded-For"] = forwardedFor;
            }, Cancel);
            statuses.Add(context.Response.StatusCode);
        }
        return statuses;
    }
}
