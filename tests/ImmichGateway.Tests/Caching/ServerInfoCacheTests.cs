using System.Net;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Caching;

/// <summary>Server statistics (admins only) and public server info; this class owns its gateway, so the first call is a miss.</summary>
public sealed class ServerInfoCacheTests(CacheGateway gateway) : IClassFixture<CacheGateway>
{
    [Fact]
    public async Task Statistics_ForAdminAndNonAdmin_AreCachedOnlyForTheAdmin()
    {
        var admin = Recordings.Get("GET_api_server_statistics.admin.json");
        var refused = Recordings.Get("GET_api_server_statistics.user1.json");

        var (first, firstSeen) = await gateway.GetAsync(TestUsers.AdaCli, "/api/server/statistics");
        var (second, secondSeen) = await gateway.GetAsync(TestUsers.AdaCli, "/api/server/statistics");
        var (reference, referenceSeen) = await gateway.GetAsync(TestUsers.AdaCli, "/api/server-info/stats");
        var (alice, aliceSeen) = await gateway.GetAsync(TestUsers.AliceKiosk, "/api/server/statistics");
        var (aliceAgain, aliceAgainSeen) = await gateway.GetAsync(TestUsers.AlicePhone, "/api/server-info/stats");

        // Ada: her admin status (/api/users/me) and her key's permissions (/api/api-keys/me) with her key, then the
        // statistics once; then the cache.
        Assert.Equal((HttpStatusCode.OK, "miss"), (first.StatusCode, first.XCache()));
        Assert.Equal(["/api/users/me", "/api/api-keys/me", "/api/server/statistics"], firstSeen.Select(s => s.Path));
        Assert.All(firstSeen, s => Assert.Equal(TestUsers.Ada.ImmichKey, s.Header("x-api-key")));
        Assert.Equal(admin.BodyBytes, await first.BytesAsync());
        Assert.Equal((HttpStatusCode.OK, "hit"), (second.StatusCode, second.XCache()));
        Assert.Empty(secondSeen);
        Assert.Equal(admin.BodyBytes, await second.BytesAsync());
        Assert.Equal(("hit", 0), (reference.XCache(), referenceSeen.Count));
        // Alice is no admin: never the cached statistics, always Immich's own 403.
        Assert.Equal(HttpStatusCode.Forbidden, alice.StatusCode);
        Assert.Equal(refused.BodyBytes, await alice.BytesAsync());
        Assert.Equal(["/api/users/me", "/api/server/statistics"], aliceSeen.Select(s => s.Path));
        Assert.Equal(HttpStatusCode.Forbidden, aliceAgain.StatusCode);
        Assert.Equal(["/api/server/statistics"], aliceAgainSeen.Select(s => s.Path)); // her status is remembered; the 403 is Immich's
        Assert.Equal(TestUsers.Alice.ImmichKey, aliceAgainSeen[0].Header("x-api-key"));
    }

    [Fact]
    public async Task Statistics_ConditionalRequestWithTheCachedETag_Gets304()
    {
        await using var own = new CacheGateway(); // not the class's: the other test counts on a first miss
        await own.InitializeAsync();
        var (first, _) = await own.GetAsync(TestUsers.AdaCli, "/api/server/statistics");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/server/statistics");
        request.Headers.TryAddWithoutValidation("If-None-Match", first.Raw("etag"));

        var (response, seen) = await own.SendAsync(TestUsers.AdaCli, request);
        using var noCache = new HttpRequestMessage(HttpMethod.Get, "/api/server/statistics");
        noCache.Headers.TryAddWithoutValidation("If-None-Match", first.Raw("etag"));
        noCache.Headers.TryAddWithoutValidation("Cache-Control", "no-cache");
        var (whole, _) = await own.SendAsync(TestUsers.AdaCli, noCache);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Empty(seen);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode); // as Immich (Express's fresh) answers no-cache
        Assert.Equal(await first.BytesAsync(), await whole.BytesAsync());
    }

    /// <summary>An admin's key that lacks server.statistics: Immich refuses it, so the cache must too.</summary>
    [Fact]
    public async Task Statistics_ForAnAdminsRestrictedKey_AreImmichs403_NotTheCachedOnes()
    {
        const string restrictedKey = "imk_ada_restricted_Qw8eR2tY6uI0oP4aS9dF3gH7";
        var statsApp = new TestClient(TestUsers.Ada, "stats", "igw_adaro_stats_R3str1ct3dR3str1ct3dR3str1ct3d");
        await using var own = new CacheGateway();
        own.Settings["Gateway:Users:adaro:ImmichApiKey"] = restrictedKey;
        own.Settings["Gateway:Users:adaro:Clients:stats:KeySha256"] = statsApp.KeySha256;
        await own.InitializeAsync();
        own.Immich.ApiKeys[restrictedKey] = (TestUsers.Ada, ["user.read", "asset.read"]);

        var (full, _) = await own.GetAsync(TestUsers.AdaCli, "/api/server/statistics"); // cached now
        var (restricted, seen) = await own.GetAsync(statsApp, "/api/server/statistics");

        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, restricted.StatusCode);
        Assert.Equal("{\"message\":\"Missing required permission: server.statistics\"}", await restricted.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(restrictedKey, seen.Single(s => s.Path == "/api/server/statistics").Header("x-api-key"));
    }

    [Theory]
    [InlineData("features")]
    [InlineData("config")]
    [InlineData("version")]
    [InlineData("media-types")]
    public async Task PublicServerInfo_IsCachedForEveryoneAndFetchedWithoutAKey(string name)
    {
        using var anonymous = gateway.CreateAnonymousClient();
        var before = gateway.Immich.Requests.Count;

        var first = await anonymous.GetAsync($"/api/server/{name}", TestContext.Current.CancellationToken);
        var (second, secondSeen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/server/{name}");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(Recordings.Get($"GET_api_server_{name}.none.json").BodyBytes, await first.BytesAsync());
        var fetched = Assert.Single(gateway.Immich.RequestsSince(before));
        Assert.Null(fetched.Header("x-api-key"));
        Assert.Equal(("hit", 0), (second.XCache(), secondSeen.Count));
        Assert.Equal(await first.BytesAsync(), await second.BytesAsync());
    }

    [Fact]
    public async Task Statistics_WithoutAKey_AreRefusedByTheGateway()
    {
        using var anonymous = gateway.CreateAnonymousClient();

        var response = await anonymous.GetAsync("/api/server/statistics", TestContext.Current.CancellationToken);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
    }
}
