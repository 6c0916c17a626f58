using System.Net;
using ImmichGateway.Tests.Fixtures;

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
}
