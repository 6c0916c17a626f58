using System.Diagnostics;
using System.Net;
using ImmichGateway.Caching;
using ImmichGateway.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace ImmichGateway.Tests.Caching;

/// <summary>Redis failing never fails or stalls a request; the cache resumes when Redis returns. Each test owns its Redis.</summary>
public sealed class RedisOutageTests
{
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task RedisKilledMidRun_RequestsAreServedWithoutStalling_AndTheCacheResumesWhenItReturns()
    {
        await using var gateway = new CacheGateway();
        await gateway.InitializeAsync();
        var cached = NewAsset(gateway);
        await gateway.GetAsync(TestUsers.AliceKiosk, Url(cached));
        await CacheGateway.WaitUntilAsync(async () => await gateway.ImageKeysAsync(cached) == 1, "the image never reached Redis");
        var errors = gateway.Counter("immich_gateway.cache.redis_errors");

        await gateway.Redis.KillAsync();
        var fresh = NewAsset(gateway);
        var (hit, hitSeen, hitTime) = await TimedGetAsync(gateway, TestUsers.AliceKiosk, cached);
        var (miss, missSeen, missTime) = await TimedGetAsync(gateway, TestUsers.AliceKiosk, fresh);
        var (again, againSeen, againTime) = await TimedGetAsync(gateway, TestUsers.AliceKiosk, fresh);
        var (bob, _, bobTime) = await TimedGetAsync(gateway, TestUsers.BobFrame, fresh);
        var watch = Stopwatch.StartNew();
        var (statistics, _) = await gateway.GetAsync(TestUsers.AdaCli, "/api/server/statistics"); // HybridCache over Redis
        var statisticsTime = watch.Elapsed;

        Assert.Equal((HttpStatusCode.OK, "hit", 0), (hit.StatusCode, hit.XCache(), hitSeen.Count)); // the memory tier
        Assert.Equal((HttpStatusCode.OK, "miss", 1), (miss.StatusCode, miss.XCache(), missSeen.Count)); // Immich
        Assert.Equal((HttpStatusCode.OK, "hit", 0), (again.StatusCode, again.XCache(), againSeen.Count));
        Assert.Equal(HttpStatusCode.BadRequest, bob.StatusCode); // access is still Immich's to grant
        Assert.Equal(HttpStatusCode.OK, statistics.StatusCode);
        Assert.All(new[] { hitTime, missTime, againTime, bobTime, statisticsTime }, t => Assert.True(t < Stall, $"a request took {t}"));
        Assert.True(gateway.Counter("immich_gateway.cache.redis_errors") > errors);

        await gateway.Redis.StartAsync(); // same port, empty
        var connection = gateway.Services.GetRequiredService<RedisConnection>();
        await CacheGateway.WaitUntilAsync(() => connection.IsConnected, "the gateway never reconnected");
        var later = NewAsset(gateway);
        var (resumed, _) = await gateway.GetAsync(TestUsers.AliceKiosk, Url(later));

        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        await CacheGateway.WaitUntilAsync(async () => await gateway.ImageKeysAsync(later) == 1, "the cache did not resume writing to Redis");
    }

    [Fact]
    public async Task RedisDownAtStartUp_RequestsAreServedWithoutIt_AndTheCacheUsesItOnceItIsUp()
    {
        await using var gateway = new CacheGateway { RedisUpAtStart = false };
        await gateway.InitializeAsync();
        var connection = gateway.Services.GetRequiredService<RedisConnection>();
        await gateway.GetAsync(TestUsers.AliceKiosk, Url(NewAsset(gateway))); // the first one also warms the code path up

        var (first, firstSeen, firstTime) = await TimedGetAsync(gateway, TestUsers.AliceKiosk, NewAsset(gateway));
        var (statistics, _) = await gateway.GetAsync(TestUsers.AdaCli, "/api/server/statistics");

        Assert.Equal((HttpStatusCode.OK, "miss", 1), (first.StatusCode, first.XCache(), firstSeen.Count));
        Assert.True(firstTime < Stall, $"a request took {firstTime}");
        Assert.Equal(HttpStatusCode.OK, statistics.StatusCode);
        Assert.False(connection.IsConnected);

        await gateway.Redis.StartAsync();
        await CacheGateway.WaitUntilAsync(() => connection.IsConnected, "the gateway never connected once Redis was up");
        var later = NewAsset(gateway);
        var (stored, _) = await gateway.GetAsync(TestUsers.AliceKiosk, Url(later));

        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        await CacheGateway.WaitUntilAsync(async () => await gateway.ImageKeysAsync(later) == 1, "the cache never wrote to Redis");
        // How other replicas' evictions reach it. Redis lists the channel before the gateway has read its reply.
        await CacheGateway.WaitUntilAsync(async () => await gateway.Redis.SendAsync("PUBSUB", "CHANNELS", $"{gateway.Prefix}*") == "*1" &&
            connection.IsSubscribed, "the gateway never subscribed to the invalidation channel");
    }

    [Fact]
    public async Task RedisHanging_EachRequestWaitsAtMostTheRedisTimeout()
    {
        await using var gateway = new CacheGateway();
        gateway.Settings["Caching:RedisTimeout"] = "00:00:00.200";
        await gateway.InitializeAsync();
        await gateway.GetAsync(TestUsers.AliceKiosk, Url(NewAsset(gateway))); // connected and used
        var errors = gateway.Counter("immich_gateway.cache.redis_errors");

        await gateway.Redis.PauseAsync();
        try
        {
            var times = new List<TimeSpan>();
            for (var i = 0; i < 4; i++)
            {
                var (response, _, time) = await TimedGetAsync(gateway, TestUsers.AliceKiosk, NewAsset(gateway));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                times.Add(time);
            }

            Assert.All(times, t => Assert.True(t < Stall, $"a request took {t}"));
            Assert.True(gateway.Counter("immich_gateway.cache.redis_errors") > errors, "Redis' silence should count as errors");
        }
        finally
        {
            await gateway.Redis.ResumeAsync();
        }
    }

    private static string NewAsset(CacheGateway gateway) => gateway.Immich.AddAlbum(1, TestUsers.Alice).Assets[0]["id"]!.GetValue<string>();

    private static string Url(string asset) => $"/api/assets/{asset}/thumbnail";

    private static async Task<(HttpResponseMessage, IReadOnlyList<SeenRequest>, TimeSpan)> TimedGetAsync(CacheGateway gateway, TestClient client, string asset)
    {
        var watch = Stopwatch.StartNew();
        var (response, seen) = await gateway.GetAsync(client, Url(asset));
        return (response, seen, watch.Elapsed);
    }
}
