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
}
