using System.Net;
using System.Text;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Caching;

/// <summary>Two replicas on one Redis, each with its own memory and its own fake Immich (so each one's upstream calls are its own).</summary>
public sealed class ReplicaTests
{
    [Fact]
    public async Task SecondReplica_ServesTheFirstOnesImageAndAccessRecordFromRedis_AndDropsItWhenTheFirstEvicts()
    {
        await using var one = new CacheGateway();
        await one.InitializeAsync();
        await using var two = CacheGateway.ReplicaOf(one);
        await two.InitializeAsync();
        var asset = Guid.NewGuid().ToString(); // Ada (admin) may see it on both fakes
        await one.GetAsync(TestUsers.AdaCli, $"/api/assets/{asset}/thumbnail");
        await CacheGateway.WaitUntilAsync(async () => await one.ImageKeysAsync(asset) == 1 &&
            await one.Redis.CountKeysAsync($"{one.Prefix}access:*:{Guid.Parse(asset):N}") == 1, "the image and the record never reached Redis");

        var (fromRedis, seenByTwo) = await two.GetAsync(TestUsers.AdaCli, $"/api/assets/{asset}/thumbnail");
        await one.SendAsync(TestUsers.AdaCli, new HttpRequestMessage(HttpMethod.Put, $"/api/assets/{asset}")
        {
            Content = new StringContent("{\"isFavorite\":true}", Encoding.UTF8, "application/json"),
        });

        Assert.Equal((HttpStatusCode.OK, "hit", 0), (fromRedis.StatusCode, fromRedis.XCache(), seenByTwo.Count));
        // The eviction reaches the second replica's memory over pub/sub: soon its next request asks its Immich.
        await CacheGateway.WaitUntilAsync(async () => (await two.GetAsync(TestUsers.AdaCli, $"/api/assets/{asset}/thumbnail")).Response.XCache() == "miss",
            "the second replica kept serving an evicted image");
    }

    [Fact]
    public async Task AccessEviction_OnOneReplica_ReachesTheOther()
    {
        await using var one = new CacheGateway();
        await one.InitializeAsync();
        await using var two = CacheGateway.ReplicaOf(one);
        await two.InitializeAsync();
        var asset = Guid.NewGuid().ToString();
        await two.GetAsync(TestUsers.AdaCli, $"/api/assets/{asset}/thumbnail");
        Assert.Equal("hit", (await two.GetAsync(TestUsers.AdaCli, $"/api/assets/{asset}/thumbnail")).Response.XCache());

        await one.SendAsync(TestUsers.AdaCli, new HttpRequestMessage(HttpMethod.Delete, $"/api/albums/{FakeImmich.AlbumTwo}"));

        await CacheGateway.WaitUntilAsync(async () =>
        {
            var (response, seen) = await two.GetAsync(TestUsers.AdaCli, $"/api/assets/{asset}/thumbnail");
            return response.XCache() == "miss" && seen.Single().Header("if-none-match") is not null;
        }, "the second replica kept its access records after an album was deleted");
    }
}
