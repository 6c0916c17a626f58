using System.Text;
using ImmichGateway.Caching;

namespace ImmichGateway.Tests.Caching;

/// <summary>Pure logic: the eviction table and the stored entry format.</summary>
public sealed class CacheRulesTests
{
    private const string Asset = "5f8ad3a1-8a31-4a4a-9c52-6f1f4c8e2b11";

    [Theory]
    [InlineData("PUT", "/api/assets/" + Asset, "PathAsset")]
    [InlineData("patch", "/API/Assets/" + Asset + "/", "PathAsset")]
    [InlineData("DELETE", "/api/assets", "BodyAssets")]
    [InlineData("POST", "/api/trash/restore", "AllAccess")]
    [InlineData("DELETE", "/api/albums/" + Asset + "/user/" + Asset, "AllAccess")]
    [InlineData("DELETE", "/api/albums/" + Asset + "/user/me", "AllAccess")]
    [InlineData("PUT", "/api/albums/" + Asset + "/user/me", "AllAccess")]
    public void Find_ForAWriteOfTheTable_ReturnsItsScope(string method, string path, string scope)
    {
        Assert.Equal(scope, CacheEvictionRules.Find(method, path)?.Scope.ToString());
    }

    [Theory]
    [InlineData("GET", "/api/assets/" + Asset)]
    [InlineData("POST", "/api/assets")]
    [InlineData("PUT", "/api/assets/not-a-uuid")]
    [InlineData("PATCH", "/api/albums/" + Asset)]
    [InlineData("DELETE", "/api/assets/" + Asset + "/thumbnail")]
    [InlineData("DELETE", "/api/albums/" + Asset + "/user/ME")]   // Immich's "me" is exactly that word
    [InlineData("DELETE", "/api/albums/" + Asset + "/user/you")]
    [InlineData("DELETE", "/api/albums/me/user/" + Asset)]
    public void Find_ForAnythingElse_ReturnsNull(string method, string path)
    {
        Assert.Null(CacheEvictionRules.Find(method, path));
    }

    [Fact]
    public void ImageFormat_FromName_FindsEveryFormatByItsExactName()
    {
        Assert.All(ImageFormat.All, format => Assert.Same(format, ImageFormat.FromName(format.Name)));
        Assert.Null(ImageFormat.FromName("JPEG"));
        Assert.Null(ImageFormat.FromName("gif"));
        Assert.Null(ImageFormat.FromName(null));
    }

    [Fact]
    public void PathAsset_ReadsTheFirstIdOfThePath()
    {
        var rule = CacheEvictionRules.Find("PUT", $"/api/assets/{Asset}/edits")!;

        Assert.Equal(Guid.Parse(Asset), CacheEvictionRules.PathAsset(rule, $"/api/assets/{Asset}/edits"));
    }

    [Theory]
    [InlineData("{\"ids\":[\"" + Asset + "\"],\"force\":true}", 1)]
    [InlineData("{\"assetIds\":[\"" + Asset + "\",\"nope\"],\"name\":\"regenerate-thumbnail\"}", 1)]
    [InlineData("{\"albumIds\":[],\"assetIds\":[]}", 0)]
    public void BodyAssets_ReadsIdsAndAssetIds(string json, int count)
    {
        Assert.Equal(count, CacheEvictionRules.BodyAssets(Encoding.UTF8.GetBytes(json))!.Count);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    public void BodyAssets_OfAnUnreadableBody_IsNull(string json)
    {
        Assert.Null(CacheEvictionRules.BodyAssets(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Entry_SerializedAndRead_KeepsItsBytesAndHeaders()
    {
        var entry = new ThumbnailEntry([1, 2, 3], "image/webp", "W/\"284-1a21ca6b058\"", DateTimeOffset.FromUnixTimeSeconds(1_800_000_000),
            "private, max-age=86400", "inline; filename*=UTF-8''IMG_0001_thumbnail.webp", "c1");

        var read = ThumbnailEntry.Deserialize(entry.Serialize())!;

        Assert.Equal(entry.Body, read.Body);
        Assert.Equal((entry.ContentType, entry.ETag, entry.LastModified, entry.CacheControl, entry.ContentDisposition, entry.Version),
            (read.ContentType, read.ETag, read.LastModified, read.CacheControl, read.ContentDisposition, read.Version));
    }

    [Fact]
    public void Entry_OfAnotherFormatVersionOrTruncated_IsAMiss()
    {
        var bytes = new ThumbnailEntry([1, 2, 3], "image/webp", null, null, null, null, null).Serialize();

        Assert.Null(ThumbnailEntry.Deserialize([9, .. bytes[1..]]));
        Assert.Null(ThumbnailEntry.Deserialize(bytes[..^2]));
    }

    [Fact]
    public void Entry_Converted_HasItsOwnTypeETagAndFileName()
    {
        var entry = new ThumbnailEntry([1], "image/webp", "W/\"284-1a21ca6b058\"", null, "private", "inline; filename*=UTF-8''IMG_0001_thumbnail.webp", null);

        var converted = entry.ConvertedTo(ImageFormat.Jpeg, [2]);

        Assert.Equal(("image/jpeg", "W/\"284-1a21ca6b058-jpeg\"", "inline; filename*=UTF-8''IMG_0001_thumbnail.jpeg", "private"),
            (converted.ContentType, converted.ETag, converted.ContentDisposition, converted.CacheControl));
    }
}
