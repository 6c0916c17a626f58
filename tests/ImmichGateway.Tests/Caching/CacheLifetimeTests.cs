using System.Net;
using ImmichGateway.Caching;
using ImmichGateway.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace ImmichGateway.Tests.Caching;

/// <summary>Lifetimes and limits from Caching options, shortened to milliseconds or bytes (no waiting for expiry).</summary>
public sealed class CacheLifetimeTests
{
    [Fact]
    public async Task AccessRecord_Expired_IsRenewedByAConditionalRequestToImmich()
    {
        await using var gateway = new CacheGateway();
        gateway.Settings["Caching:AccessLifetime"] = "00:00:00.001";
        await gateway.InitializeAsync();
        var asset = gateway.Immich.AddAlbum(1, TestUsers.Alice).Assets[0]["id"]!.GetValue<string>();
        var (first, _) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");

        var (second, seen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");

        Assert.Equal((HttpStatusCode.OK, "miss"), (second.StatusCode, second.XCache()));
        Assert.Equal(first.Raw("etag"), Assert.Single(seen).Header("if-none-match")); // Immich answered 304: no image sent again
        Assert.Equal(await first.BytesAsync(), await second.BytesAsync());
    }

    [Fact]
    public async Task RedisEntries_ExpireAfterTheirConfiguredLifetimes()
    {
        await using var gateway = new CacheGateway();
        gateway.Settings["Caching:ThumbnailLifetime"] = "02:03:00";
        gateway.Settings["Caching:AccessLifetime"] = "00:41:00";
        gateway.Settings["Caching:StatisticsLifetime"] = "00:17:00";
        gateway.Settings["Caching:ServerInfoLifetime"] = "00:23:00";
        gateway.Settings["Caching:AdminStatusLifetime"] = "00:31:00";
        await gateway.InitializeAsync();
        var asset = Guid.NewGuid(); // Ada (admin) may see any asset

        await gateway.GetAsync(TestUsers.AdaCli, $"/api/assets/{asset}/thumbnail?format=jpeg");
        await gateway.GetAsync(TestUsers.AdaCli, "/api/server/statistics");
        await gateway.GetAsync(TestUsers.AdaCli, "/api/server/version");

        var epoch = gateway.Services.GetRequiredService<AccessRecords>().Epoch;
        var expected = new Dictionary<string, TimeSpan>
        {
            [CacheKeys.Image(asset, ThumbnailSize.Thumbnail, false)] = new(2, 3, 0),
            [CacheKeys.Image(asset, ThumbnailSize.Thumbnail, false, ImageFormat.Jpeg)] = new(2, 3, 0),
            [CacheKeys.Access(epoch, asset)] = new(0, 41, 0),
            [CacheKeys.ServerStatistics] = new(0, 17, 0),
            [CacheKeys.ServerInfo("version")] = new(0, 23, 0),
            [CacheKeys.AdminStatus(CacheKeys.UserHash(TestUsers.Ada.ImmichKey))] = new(0, 31, 0),
        };
        foreach (var (key, lifetime) in expected)
        {
            TimeSpan? ttl = null;
            await CacheGateway.WaitUntilAsync(async () => (ttl = await gateway.Redis.TimeToLiveAsync(gateway.Prefix + key)) is not null, $"{key} never reached Redis");
            Assert.True(ttl > lifetime - TimeSpan.FromMinutes(1) && ttl <= lifetime, $"{key} expires in {ttl}, not in {lifetime}");
        }
    }

    [Theory]
    [InlineData("Caching:StatisticsLifetime", "/api/server/statistics", "/api/server/statistics")]
    [InlineData("Caching:AdminStatusLifetime", "/api/server/statistics", "/api/users/me,/api/api-keys/me")]
    [InlineData("Caching:ServerInfoLifetime", "/api/server/version", "/api/server/version")]
    public async Task CachedJson_AsOldAsItsLifetime_IsFetchedFromImmichAgain(string setting, string url, string refetched)
    {
        await using var gateway = new TimedCacheGateway();
        foreach (var lifetime in new[] { "Caching:StatisticsLifetime", "Caching:AdminStatusLifetime", "Caching:ServerInfoLifetime" })
        {
            gateway.Settings[lifetime] = "01:00:00";
        }
        gateway.Settings[setting] = "00:00:10";
        await gateway.InitializeAsync();
        await gateway.GetAsync(TestUsers.AdaCli, url);

        gateway.Time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(1));
        var (within, withinSeen) = await gateway.GetAsync(TestUsers.AdaCli, url);
        gateway.Time.Advance(TimeSpan.FromMilliseconds(1));
        var (after, afterSeen) = await gateway.GetAsync(TestUsers.AdaCli, url);

        Assert.Equal(("hit", 0), (within.XCache(), withinSeen.Count));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(refetched.Split(','), afterSeen.Select(s => s.Path));
    }

    [Fact]
    public async Task Image_AsOldAsLocalLifetime_IsReadFromRedisAgain()
    {
        await using var gateway = new TimedCacheGateway();
        gateway.Settings["Caching:LocalLifetime"] = "00:00:30"; // access records last 60 s
        await gateway.InitializeAsync();
        var asset = gateway.Immich.AddAlbum(1, TestUsers.Alice).Assets[0]["id"]!.GetValue<string>();
        await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");
        await CacheGateway.WaitUntilAsync(async () => await gateway.ImageKeysAsync(asset) == 1, "the image never reached Redis");
        // Another replica evicted the image while this one missed the pub/sub message: only Redis knows.
        await gateway.Redis.SendAsync("DEL", gateway.Prefix + CacheKeys.Image(Guid.Parse(asset), ThumbnailSize.Thumbnail, false));

        gateway.Time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        var (within, withinSeen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");
        gateway.Time.Advance(TimeSpan.FromMilliseconds(1));
        var (after, afterSeen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");

        Assert.Equal(("hit", 0), (within.XCache(), withinSeen.Count)); // still this replica's memory
        Assert.Equal((HttpStatusCode.OK, "miss"), (after.StatusCode, after.XCache()));
        Assert.Null(Assert.Single(afterSeen).Header("if-none-match")); // gone from Redis as well: fetched whole
    }

    [Theory]
    [InlineData("/api/assets/{asset}/thumbnail")]
    [InlineData("/api/albums/{album}/cover-image")]
    public async Task Image_LargerThanMaxEntryBytes_IsServedButNotCached(string route)
    {
        await using var gateway = new CacheGateway();
        gateway.Settings["Caching:MaxEntryBytes"] = "100"; // the thumbnail has 644 bytes
        await gateway.InitializeAsync();
        var album = gateway.Immich.AddAlbum(1, TestUsers.Alice);
        var asset = album.Assets[0]["id"]!.GetValue<string>();
        var url = route.Replace("{asset}", asset).Replace("{album}", album.Id.ToString());

        var (first, _) = await gateway.GetAsync(TestUsers.AliceKiosk, url);
        var (second, seen) = await gateway.GetAsync(TestUsers.AliceKiosk, url);

        Assert.Equal((HttpStatusCode.OK, 644), (first.StatusCode, (await first.BytesAsync()).Length));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Single(seen.Thumbnails());
        Assert.Equal(0, await gateway.ImageKeysAsync(asset));
    }

    [Fact]
    public async Task Cache_WithoutRedis_WorksInMemory()
    {
        await using var gateway = new GatewayFactory();
        await gateway.InitializeAsync();
        using var alice = gateway.CreateClient(TestUsers.AliceKiosk);
        var asset = gateway.Immich.AddAlbum(1, TestUsers.Alice).Assets[0]["id"]!.GetValue<string>();

        await alice.GetAsync($"/api/assets/{asset}/thumbnail", TestContext.Current.CancellationToken);
        var before = gateway.Immich.Requests.Count;
        var second = await alice.GetAsync($"/api/assets/{asset}/thumbnail", TestContext.Current.CancellationToken);

        Assert.Equal("hit", second.XCache());
        Assert.Empty(gateway.Immich.RequestsSince(before));
    }

    [Theory]
    [InlineData("Caching:AccessLifetime", "00:00:00", "Caching:AccessLifetime must be positive")]
    [InlineData("Caching:RedisTimeout", "00:00:10", "Caching:RedisTimeout must be at most 5 seconds")]
    [InlineData("Caching:MaxEntryBytes", "0", "Caching:MaxEntryBytes must be a positive number of bytes")]
    [InlineData("Caching:MaxConversionBytes", "1000", "Caching:MaxConversionBytes must be at least Caching:MaxEntryBytes")]
    [InlineData("Caching:KeyPrefix", " ", "Caching:KeyPrefix must not be empty")]
    [InlineData("ConnectionStrings:Redis", "password=only", "ConnectionStrings:Redis is not a StackExchange.Redis connection string")]
    public async Task InvalidSetting_StopsStartUpNamingTheSetting(string setting, string value, string message)
    {
        await using var gateway = new GatewayFactory();
        gateway.Settings[setting] = value;
        await gateway.InitializeAsync();

        var error = Assert.ThrowsAny<Exception>(() => gateway.Services);

        Assert.Contains(message, error.ToString());
    }

    [Fact]
    public async Task Thumbnail_ImmichSlowerThanTheFetchTimeLimit_Is504ProblemAndNotCached()
    {
        await using var gateway = new TimedCacheGateway();
        await gateway.InitializeAsync();
        var asset = gateway.Immich.AddAlbum(1, TestUsers.Alice).Assets[0]["id"]!.GetValue<string>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway.Immich.ThumbnailGates[asset] = gate;
        using var kiosk = gateway.CreateClient(TestUsers.AliceKiosk);
        var before = gateway.Immich.Requests.Count;

        var pending = kiosk.GetAsync($"/api/assets/{asset}/thumbnail", TestContext.Current.CancellationToken);
        await CacheGateway.WaitUntilAsync(() => gateway.Immich.RequestsSince(before).Thumbnails().Count == 1, "the fetch never reached Immich");
        gateway.Time.Advance(TimeSpan.FromSeconds(61)); // the fetch's own limit (60 s), body included
        using var response = await pending;
        gate.SetResult();

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.GatewayTimeout);
        Assert.Equal(0, await gateway.ImageKeysAsync(asset));
    }
}
