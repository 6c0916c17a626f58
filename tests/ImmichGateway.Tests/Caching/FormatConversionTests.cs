using System.Net;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Caching;

[Collection(CacheCollection.Name)]
public sealed class FormatConversionTests(CacheGateway gateway)
{
    private string AliceAsset() => gateway.Immich.AddAlbum(1, TestUsers.Alice).Assets[0]["id"]!.GetValue<string>();

    private static bool IsJpeg(byte[] bytes) => bytes is [0xFF, 0xD8, 0xFF, ..];

    private static bool IsWebp(byte[] bytes) => bytes.Length > 12 && "RIFF"u8.SequenceEqual(bytes.AsSpan(0, 4)) && "WEBP"u8.SequenceEqual(bytes.AsSpan(8, 4));

    [Fact]
    public async Task Thumbnail_WebpAskedAsJpeg_IsConvertedCachedAndLabelled()
    {
        var asset = AliceAsset();
        var webp = Recordings.Get("GET_api_assets_{id}_thumbnail.admin.json");

        var (first, seen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail?format=jpeg");
        var (second, secondSeen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail?format=jpeg");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("?size=thumbnail", Assert.Single(seen).Query); // format is the gateway's: never sent to Immich
        Assert.Equal("image/jpeg", first.Raw("content-type"));
        Assert.True(IsJpeg(await first.BytesAsync()));
        Assert.Equal("W/\"284-1a21ca6b058-jpeg\"", first.Raw("etag"));
        Assert.Equal("inline; filename*=UTF-8''IMG_0001_thumbnail.jpeg", first.Raw("content-disposition"));
        Assert.Equal(webp.Headers["cache-control"], first.Raw("cache-control"));
        Assert.Equal(("hit", 0), (second.XCache(), secondSeen.Count));
        Assert.Equal(await first.BytesAsync(), await second.BytesAsync());
        await CacheGateway.WaitUntilAsync(async () => await gateway.ImageKeysAsync(asset) == 2, "the image and its conversion should both be in Redis");
    }

    [Fact]
    public async Task Preview_JpegAskedAsWebp_IsConverted()
    {
        var asset = AliceAsset();

        var (response, _) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail?size=preview&format=webp");

        Assert.Equal("image/webp", response.Raw("content-type"));
        Assert.True(IsWebp(await response.BytesAsync()));
    }

    [Theory]
    [InlineData("?format=webp", "GET_api_assets_{id}_thumbnail.admin.json")]
    [InlineData("?size=preview&format=jpeg", "GET_api_assets_{id}_thumbnail__size=preview.admin.json")]
    public async Task Thumbnail_AskedInTheFormatImmichStores_IsImmichsImageUnchanged(string query, string recordingFile)
    {
        var asset = AliceAsset();
        var recording = Recordings.Get(recordingFile);

        var (response, _) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail{query}");

        Assert.Equal(recording.BodyBytes, await response.BytesAsync());
        Assert.Equal(recording.Headers["etag"], response.Raw("etag"));
    }

    [Fact]
    public async Task Thumbnail_ConvertedAfterTheNativeWasCached_UsesTheCachedNative()
    {
        var asset = AliceAsset();
        await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");

        var (converted, seen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail?format=jpeg");

        Assert.Equal(("hit", 0), (converted.XCache(), seen.Count));
        Assert.True(IsJpeg(await converted.BytesAsync()));
    }

    // Images the cache does not store (no Content-Length, over Caching:MaxEntryBytes, a parameter it does not know):
    // converted all the same within Caching:MaxConversionBytes, never silently another format.

    [Theory]
    [InlineData(ThumbnailServing.Chunked, "")]             // no Content-Length: not cached
    [InlineData(ThumbnailServing.AsRecorded, "&marker=1")] // a parameter the cache does not know: forwarded
    public async Task Thumbnail_NotCacheable_IsConvertedAnywayAndNotStored(ThumbnailServing serving, string extra)
    {
        var asset = AliceAsset();
        gateway.Immich.ThumbnailServings[asset] = serving;

        var (first, seen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail?format=jpeg{extra}");
        var (second, secondSeen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail?format=jpeg{extra}");

        Assert.Equal((HttpStatusCode.OK, "image/jpeg", "miss"), (first.StatusCode, first.Raw("content-type"), first.XCache()));
        Assert.True(IsJpeg(await first.BytesAsync()));
        Assert.Equal("W/\"284-1a21ca6b058-jpeg\"", first.Raw("etag"));
        Assert.DoesNotContain("format", Assert.Single(seen).Query);
        Assert.Single(secondSeen); // not stored: Immich again
        Assert.Equal(await first.BytesAsync(), await second.BytesAsync());
        Assert.Equal(0, await gateway.ImageKeysAsync(asset));
    }

    [Fact]
    public async Task Thumbnail_ForwardedWithARange_IsAskedWholeAndTheRangeTakenFromTheConversion()
    {
        var asset = AliceAsset();
        var (whole, _) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail?format=jpeg&marker=1");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/assets/{asset}/thumbnail?format=jpeg&marker=1");
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 99);

        var (part, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, request);

        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal((await whole.BytesAsync())[..100], await part.BytesAsync());
        Assert.Null(Assert.Single(seen).Header("range")); // a range of Immich's WebP is no range of the JPEG
    }

    [Theory]
    [InlineData(ThumbnailServing.Chunked, "")]
    [InlineData(ThumbnailServing.AsRecorded, "&marker=1")]
    public async Task Thumbnail_NotCacheableAndAskedInImmichsFormat_IsImmichsImageUnchanged(ThumbnailServing serving, string extra)
    {
        var asset = AliceAsset();
        gateway.Immich.ThumbnailServings[asset] = serving;
        var recording = Recordings.Get("GET_api_assets_{id}_thumbnail.admin.json");

        var (response, _) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail?format=webp{extra}");

        Assert.Equal((HttpStatusCode.OK, "image/webp"), (response.StatusCode, response.Raw("content-type")));
        Assert.Equal(recording.BodyBytes, await response.BytesAsync());
        Assert.Equal(recording.Headers["etag"], response.Raw("etag"));
    }

    [Fact]
    public async Task Thumbnail_ImmichAnswersSomethingThatIsNoImage_Is406NotAnotherFormat()
    {
        var asset = AliceAsset();
        gateway.Immich.ThumbnailServings[asset] = ThumbnailServing.OctetStream;

        var (response, seen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail?format=jpeg");

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotAcceptable);
        Assert.Contains("application/octet-stream", detail);
        Assert.Single(seen);
    }

    [Theory]
    [InlineData(ThumbnailServing.Unreadable)]        // stored in the cache, converted from there
    [InlineData(ThumbnailServing.UnreadableChunked)] // not cacheable: read and converted on the way
    public async Task Thumbnail_ImmichsImageUnreadable_Is406NotImmichsOtherFormat(ThumbnailServing serving)
    {
        var asset = AliceAsset();
        gateway.Immich.ThumbnailServings[asset] = serving;

        var (asked, seen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail?format=jpeg");
        var (native, _) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");

        var detail = await ProblemAssert.IsProblemAsync(asked, HttpStatusCode.NotAcceptable);
        Assert.Equal("Immich's image/webp could not be converted to jpeg (see the gateway's log). Ask without format= for Immich's image/webp.", detail);
        Assert.Single(seen);
        Assert.Single(gateway.Logs.Events, e => e.EventId.Id == 5006 && e.State.GetValueOrDefault("AssetId") == asset); // why, for the operator
        // Without format= the client gets what Immich has, as Immich sent it.
        Assert.Equal((HttpStatusCode.OK, "image/webp"), (native.StatusCode, native.Content.Headers.ContentType?.MediaType));
        Assert.All(await native.BytesAsync(), b => Assert.Equal((byte)'?', b));
    }

    [Fact]
    public async Task Thumbnail_CachedButUnreadable_IsNotTriedAgainOnEveryRequest()
    {
        var asset = AliceAsset();
        gateway.Immich.ThumbnailServings[asset] = ThumbnailServing.Unreadable;

        var (first, _) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail?format=jpeg");
        var (second, seen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail?format=jpeg");

        await ProblemAssert.IsProblemAsync(first, HttpStatusCode.NotAcceptable);
        await ProblemAssert.IsProblemAsync(second, HttpStatusCode.NotAcceptable);
        Assert.Empty(seen); // the image from the cache, and its failure remembered: no new attempt, no new warning
        Assert.Single(gateway.Logs.Events, e => e.EventId.Id == 5006 && e.State.GetValueOrDefault("AssetId") == asset);
    }

    [Fact]
    public async Task Thumbnail_ForwardedWithAFormat_PassesImmichsRefusalThroughUnchanged()
    {
        var asset = AliceAsset();

        var (bob, seen) = await gateway.GetAsync(TestUsers.BobFrame, $"/api/assets/{asset}/thumbnail?format=jpeg&marker=1");

        Assert.Equal(HttpStatusCode.BadRequest, bob.StatusCode);
        Assert.Equal("{\"message\":\"Not found or no asset.view access\"}", await bob.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Single(seen);
    }

    [Fact]
    public async Task Thumbnail_FullsizeWithAFormat_IsImmichsRedirectUnchanged()
    {
        var asset = AliceAsset();

        var (response, seen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail?format=jpeg&size=fullsize");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("original?", response.Headers.Location?.OriginalString);
        Assert.Equal("?size=fullsize", Assert.Single(seen).Query);
    }

    [Fact]
    public async Task Thumbnail_OverMaxEntryBytesWithinMaxConversionBytes_IsConvertedButNotStored()
    {
        await using var own = new CacheGateway();
        own.Settings["Caching:MaxEntryBytes"] = "100"; // the thumbnail has 644 bytes
        own.Settings["Caching:MaxConversionBytes"] = "1000";
        await own.InitializeAsync();
        var asset = own.Immich.AddAlbum(1, TestUsers.Alice).Assets[0]["id"]!.GetValue<string>();

        var (first, _) = await own.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail?format=jpeg");
        var (second, secondSeen) = await own.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail?format=jpeg");

        Assert.Equal((HttpStatusCode.OK, "image/jpeg"), (first.StatusCode, first.Raw("content-type")));
        Assert.True(IsJpeg(await first.BytesAsync()));
        Assert.Equal("miss", second.XCache());
        Assert.Single(secondSeen);
        Assert.Equal(0, await own.ImageKeysAsync(asset));
    }

    [Theory]
    [InlineData(ThumbnailServing.AsRecorded, "")]          // its Content-Length says so: the body is not read
    [InlineData(ThumbnailServing.Chunked, "")]             // found out while reading, and no further
    [InlineData(ThumbnailServing.AsRecorded, "&marker=1")] // forwarded uncached
    public async Task Thumbnail_LargerThanMaxConversionBytes_Is406NamingTheLimit(ThumbnailServing serving, string extra)
    {
        await using var own = new CacheGateway();
        own.Settings["Caching:MaxEntryBytes"] = "100"; // the thumbnail has 644 bytes
        own.Settings["Caching:MaxConversionBytes"] = "100";
        await own.InitializeAsync();
        var asset = own.Immich.AddAlbum(1, TestUsers.Alice).Assets[0]["id"]!.GetValue<string>();
        own.Immich.ThumbnailServings[asset] = serving;

        var (response, seen) = await own.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail?format=jpeg{extra}");
        var (native, _) = await own.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail{extra.Replace('&', '?')}");

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotAcceptable);
        Assert.Contains("Caching:MaxConversionBytes (100 bytes)", detail);
        Assert.Contains("image/webp", detail);
        Assert.Single(seen);
        Assert.Equal((HttpStatusCode.OK, "image/webp"), (native.StatusCode, native.Raw("content-type"))); // without format: Immich's image
    }
}
