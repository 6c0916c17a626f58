using System.Net;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Caching;

[Collection(CacheCollection.Name)]
public sealed class ThumbnailCacheTests(CacheGateway gateway)
{
    private static readonly string[] KeptHeaders = ["content-type", "etag", "last-modified", "cache-control", "content-disposition"];

    private string AliceAsset() => gateway.Immich.AddAlbum(1, TestUsers.Alice).Assets[0]["id"]!.GetValue<string>();

    [Theory]
    [InlineData("", "GET_api_assets_{id}_thumbnail.admin.json", "?size=thumbnail")]
    [InlineData("?size=thumbnail", "GET_api_assets_{id}_thumbnail.admin.json", "?size=thumbnail")]
    [InlineData("?size=preview", "GET_api_assets_{id}_thumbnail__size=preview.admin.json", "?size=preview")]
    [InlineData("?size=preview&edited=true", "GET_api_assets_{id}_thumbnail__size=preview.admin.json", "?size=preview&edited=true")]
    public async Task Thumbnail_SecondRequest_IsServedFromCacheWithImmichsHeadersAndNoUpstreamCall(string query, string recordingFile, string upstreamQuery)
    {
        var asset = AliceAsset();
        var recording = Recordings.Get(recordingFile);

        var (first, firstSeen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail{query}");
        var (second, secondSeen) = await gateway.GetAsync(TestUsers.AlicePhone, $"/api/assets/{asset}/thumbnail{query}");

        Assert.Equal((HttpStatusCode.OK, "miss"), (first.StatusCode, first.XCache()));
        Assert.Equal(upstreamQuery, Assert.Single(firstSeen).Query);
        Assert.Equal(TestUsers.Alice.ImmichKey, firstSeen[0].Header("x-api-key"));
        Assert.Equal((HttpStatusCode.OK, "hit"), (second.StatusCode, second.XCache()));
        Assert.Empty(secondSeen);
        Assert.Equal(recording.BodyBytes, await second.BytesAsync());
        Assert.All(KeptHeaders, name => Assert.Equal((name, recording.Headers[name]), (name, second.Raw(name))));
    }

    [Fact]
    public async Task Thumbnail_EditedAndPlain_AreCachedSeparately()
    {
        var asset = AliceAsset();
        await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");

        var (edited, seen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail?edited=true");

        Assert.Equal("miss", edited.XCache());
        Assert.Equal("?size=thumbnail&edited=true", Assert.Single(seen).Query);
    }

    [Fact]
    public async Task Thumbnail_ConditionalRequestAfterCaching_Gets304FromTheCache()
    {
        var asset = AliceAsset();
        var (first, _) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/assets/{asset}/thumbnail");
        request.Headers.TryAddWithoutValidation("If-None-Match", first.Raw("etag"));

        var (response, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, request);

        Assert.Equal((HttpStatusCode.NotModified, "hit"), (response.StatusCode, response.XCache()));
        Assert.Equal(first.Raw("etag"), response.Raw("etag"));
        Assert.Empty(await response.BytesAsync());
        Assert.Empty(seen);
    }

    [Fact]
    public async Task Thumbnail_RangeRequestOnACachedImage_Gets206FromTheCache()
    {
        var asset = AliceAsset();
        var (first, _) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/assets/{asset}/thumbnail");
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 99);

        var (response, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal((await first.BytesAsync())[..100], await response.BytesAsync());
        Assert.Empty(seen);
    }

    /// <summary>The file result left the image's Content-Type (and caching, and file name) on an empty 416.</summary>
    [Theory]
    [InlineData("bytes=999999999-")]
    [InlineData("bytes=-0")]
    public async Task Thumbnail_UnsatisfiableRangeOnACachedImage_Is416Problem_WithTheImagesLength(string range)
    {
        var asset = AliceAsset();
        var (first, _) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/assets/{asset}/thumbnail");
        request.Headers.TryAddWithoutValidation("Range", range);

        var (response, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestedRangeNotSatisfiable);
        Assert.Equal($"bytes */{(await first.BytesAsync()).Length}", response.Raw("content-range"));
        Assert.Equal((null, null), (response.Raw("content-disposition"), response.Raw("cache-control")));
        Assert.Empty(seen);
    }

    [Fact]
    public async Task Thumbnail_FailedIfMatchOnACachedImage_Is412Problem()
    {
        var asset = AliceAsset();
        await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/assets/{asset}/thumbnail");
        request.Headers.TryAddWithoutValidation("If-Match", "\"not-this-one\"");

        var (response, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.PreconditionFailed);
        Assert.Equal((null, null), (response.Raw("content-disposition"), response.Raw("cache-control")));
        Assert.Empty(seen);
    }

    [Fact]
    public async Task Thumbnail_SharedAlbum_IsStoredOnceAndTheSecondUserRevalidatesWithoutImageBytes()
    {
        var album = gateway.Immich.AddAlbum(1, TestUsers.Alice, true, (TestUsers.Bob, "viewer"));
        var asset = album.Assets[0]["id"]!.GetValue<string>();
        var (alice, _) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");

        var (bob, bobSeen) = await gateway.GetAsync(TestUsers.BobFrame, $"/api/assets/{asset}/thumbnail");
        var (bobAgain, bobAgainSeen) = await gateway.GetAsync(TestUsers.BobFrame, $"/api/assets/{asset}/thumbnail");

        // Bob had no access record: Immich was asked with his key, conditionally, and its 304 proved his access.
        var probe = Assert.Single(bobSeen);
        Assert.Equal((TestUsers.Bob.ImmichKey, alice.Raw("etag")), (probe.Header("x-api-key"), probe.Header("if-none-match")));
        Assert.Equal((HttpStatusCode.OK, "miss"), (bob.StatusCode, bob.XCache()));
        Assert.Equal(await alice.BytesAsync(), await bob.BytesAsync());
        Assert.Equal("hit", bobAgain.XCache());
        Assert.Empty(bobAgainSeen);
        await CacheGateway.WaitUntilAsync(async () => await gateway.ImageKeysAsync(asset) == 1, "the image should be stored once in Redis");
    }

    [Fact]
    public async Task Thumbnail_KeysInRedis_CarryTheConfiguredPrefix()
    {
        var asset = AliceAsset();

        await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");

        await CacheGateway.WaitUntilAsync(async () => await gateway.ImageKeysAsync(asset) == 1, "the image never reached Redis");
        Assert.Equal(0, await gateway.Redis.CountKeysAsync($"img:{Guid.Parse(asset):N}:*"));
        Assert.Equal(1, await gateway.Redis.CountKeysAsync($"{gateway.Prefix}access:*:{Guid.Parse(asset):N}"));
    }

    [Theory]
    [InlineData("?size=fullsize")]
    [InlineData("?size=thumbnail&marker=1")]
    public async Task Thumbnail_WithAParameterTheCacheDoesNotKnow_IsForwardedUnchangedEveryTime(string query)
    {
        var asset = AliceAsset();

        var (first, firstSeen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail{query}");
        var (_, secondSeen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail{query}");

        Assert.Null(first.XCache());
        Assert.Equal(query, Assert.Single(firstSeen).Query);
        Assert.Single(secondSeen);
    }

    [Theory]
    [InlineData(ThumbnailServing.OctetStream, "application/octet-stream")] // not image/*
    [InlineData(ThumbnailServing.Chunked, "image/webp")]                   // no Content-Length
    public async Task Thumbnail_ImmichsAnswerNotCacheable_IsPassedThroughAndNotStored(ThumbnailServing serving, string contentType)
    {
        var asset = AliceAsset();
        gateway.Immich.ThumbnailServings[asset] = serving;
        var recording = Recordings.Get("GET_api_assets_{id}_thumbnail.admin.json");

        var (first, firstSeen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");
        var (second, secondSeen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");

        Assert.Equal((HttpStatusCode.OK, contentType), (first.StatusCode, first.Content.Headers.ContentType?.MediaType));
        Assert.Equal(recording.BodyBytes, await first.BytesAsync());
        Assert.Equal(recording.Headers["etag"], first.Raw("etag"));
        Assert.Equal(((string?)null, (string?)null), (first.XCache(), second.XCache())); // Immich's answer, not the cache's
        Assert.Single(firstSeen);
        Assert.Null(Assert.Single(secondSeen).Header("if-none-match")); // nothing was stored to revalidate
        Assert.Equal(recording.BodyBytes, await second.BytesAsync());
        Assert.Equal(0, await gateway.ImageKeysAsync(asset));
    }

    [Fact]
    public async Task Thumbnail_WithANewCacheBuster_IsFetchedAgain()
    {
        var asset = AliceAsset();
        await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail?c=hash1");

        var (same, sameSeen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail?c=hash1");
        var (changed, changedSeen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail?c=hash2");

        Assert.Equal(("hit", 0), (same.XCache(), sameSeen.Count));
        Assert.Equal(("miss", "?size=thumbnail"), (changed.XCache(), Assert.Single(changedSeen).Query));
    }

    [Fact]
    public async Task Metrics_CountHitsMissesAndBytesServed()
    {
        var asset = AliceAsset();
        var (hits, misses, bytes) = (gateway.Counter("immich_gateway.cache.hits"), gateway.Counter("immich_gateway.cache.misses"),
            gateway.Counter("immich_gateway.cache.bytes_served"));

        var (first, _) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");
        await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");
        await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");

        Assert.Equal(2, gateway.Counter("immich_gateway.cache.hits") - hits);
        Assert.Equal(1, gateway.Counter("immich_gateway.cache.misses") - misses);
        Assert.Equal(2 * (await first.BytesAsync()).Length, gateway.Counter("immich_gateway.cache.bytes_served") - bytes);
    }
}
