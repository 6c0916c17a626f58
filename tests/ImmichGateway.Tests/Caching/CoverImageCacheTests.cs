using System.Net;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Caching;

/// <summary>
/// The reference route <c>GET /api/albums/{id}/cover-image</c>: the album is read with the caller's key every time, the
/// cover's thumbnail comes from the same cache (and under the same per-user rules) as <c>/api/assets/{id}/thumbnail</c>.
/// </summary>
[Collection(CacheCollection.Name)]
public sealed class CoverImageCacheTests(CacheGateway gateway)
{
    private const string NoAlbumAccess = "{\"message\":\"Not found or no album.read access\"}";

    private static string Cover(FakeAlbum album) => album.Cover!.Value.ToString();

    private static bool IsJpeg(byte[] bytes) => bytes is [0xFF, 0xD8, 0xFF, ..];

    /// <summary>An album of Alice's whose cover she has fetched once (now cached).</summary>
    private async Task<(FakeAlbum Album, HttpResponseMessage Alice)> CoverCachedForAliceAsync(string query = "", params (ImmichUser User, string Role)[] members)
    {
        var album = gateway.Immich.AddAlbum(1, TestUsers.Alice, true, members);
        var (alice, _) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/albums/{album.Id}/cover-image{query}");
        Assert.Equal((HttpStatusCode.OK, "miss"), (alice.StatusCode, alice.XCache()));
        return (album, alice);
    }

    [Fact]
    public async Task Cover_SecondRequest_IsAHitAndImmichIsAskedOnlyForTheAlbum()
    {
        var album = gateway.Immich.AddAlbum(1, TestUsers.Alice);
        var recording = Recordings.Get("GET_api_assets_{id}_thumbnail.admin.json");

        var (first, firstSeen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/albums/{album.Id}/cover-image");
        var (second, secondSeen) = await gateway.GetAsync(TestUsers.AlicePhone, $"/api/albums/{album.Id}/cover-image");

        Assert.Equal((HttpStatusCode.OK, "miss"), (first.StatusCode, first.XCache()));
        Assert.Equal([$"/api/albums/{album.Id}", $"/api/assets/{Cover(album)}/thumbnail"], firstSeen.Select(s => s.Path));
        Assert.All(firstSeen, s => Assert.Equal(TestUsers.Alice.ImmichKey, s.Header("x-api-key")));
        Assert.Equal((HttpStatusCode.OK, "hit"), (second.StatusCode, second.XCache()));
        var albumRead = Assert.Single(secondSeen);
        Assert.Equal(($"/api/albums/{album.Id}", TestUsers.Alice.ImmichKey), (albumRead.Path, albumRead.Header("x-api-key")));
        Assert.Equal(recording.BodyBytes, await second.BytesAsync());
        Assert.Equal(recording.Headers["content-type"], second.Raw("content-type"));
        Assert.Equal(recording.Headers["etag"], second.Raw("etag"));
    }

    [Fact]
    public async Task Cover_WhoseThumbnailWasCachedByTheAssetRoute_IsAHit()
    {
        var album = gateway.Immich.AddAlbum(1, TestUsers.Alice);
        await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{Cover(album)}/thumbnail");

        var (cover, seen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/albums/{album.Id}/cover-image");

        Assert.Equal((HttpStatusCode.OK, "hit"), (cover.StatusCode, cover.XCache()));
        Assert.Empty(seen.Thumbnails());
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("", true)]
    [InlineData("?format=jpeg", false)]
    [InlineData("?size=preview", true)]
    public async Task Cover_OfAnAlbumTheCallerCannotRead_IsImmichsRefusalEvenWhenCached(string query, bool withAlicesETag)
    {
        var (album, alice) = await CoverCachedForAliceAsync(query);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/albums/{album.Id}/cover-image{query}");
        if (withAlicesETag)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", alice.Raw("etag"));
        }

        var (bob, seen) = await gateway.SendAsync(TestUsers.BobFrame, request);

        Assert.Equal(HttpStatusCode.BadRequest, bob.StatusCode);
        Assert.Equal(NoAlbumAccess, await bob.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Null(bob.XCache());
        var albumRead = Assert.Single(seen);
        Assert.Equal(($"/api/albums/{album.Id}", TestUsers.Bob.ImmichKey), (albumRead.Path, albumRead.Header("x-api-key")));
    }

    [Fact]
    public async Task Cover_SharedAlbumMemberWithoutAnAccessRecord_AsksImmichWithTheirOwnKey()
    {
        var (album, alice) = await CoverCachedForAliceAsync("", (TestUsers.Bob, "viewer"));

        var (bob, bobSeen) = await gateway.GetAsync(TestUsers.BobFrame, $"/api/albums/{album.Id}/cover-image");
        var (bobAgain, bobAgainSeen) = await gateway.GetAsync(TestUsers.BobFrame, $"/api/albums/{album.Id}/cover-image");

        // The album read shows Bob may see the album; the thumbnail is still asked of Immich with his key (a 304 for the cached ETag).
        var probe = Assert.Single(bobSeen.Thumbnails());
        Assert.Equal((TestUsers.Bob.ImmichKey, alice.Raw("etag")), (probe.Header("x-api-key"), probe.Header("if-none-match")));
        Assert.Equal((HttpStatusCode.OK, "miss"), (bob.StatusCode, bob.XCache()));
        Assert.Equal(await alice.BytesAsync(), await bob.BytesAsync());
        Assert.Equal((HttpStatusCode.OK, "hit"), (bobAgain.StatusCode, bobAgain.XCache()));
        Assert.Equal($"/api/albums/{album.Id}", Assert.Single(bobAgainSeen).Path);
    }

    [Fact]
    public async Task Cover_BobAmongConcurrentAliceRequests_IsNeverMergedWithThem()
    {
        var album = gateway.Immich.AddAlbum(1, TestUsers.Alice, true, (TestUsers.Bob, "viewer"));
        using var alice = gateway.CreateClient(TestUsers.AliceKiosk);
        using var bob = gateway.CreateClient(TestUsers.BobFrame);
        var before = gateway.Immich.Requests.Count;

        var requests = Enumerable.Range(0, 40)
            .Select(i => (i % 10 == 5 ? bob : alice).GetAsync($"/api/albums/{album.Id}/cover-image", TestContext.Current.CancellationToken))
            .ToArray();
        var responses = await Task.WhenAll(requests);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var seen = gateway.Immich.RequestsSince(before);
        Assert.Equal(40, seen.Count(s => s.Path == $"/api/albums/{album.Id}")); // the album is read for every request
        var thumbnails = seen.Thumbnails();
        Assert.Single(thumbnails, s => s.Header("x-api-key") == TestUsers.Alice.ImmichKey);
        Assert.InRange(thumbnails.Count(s => s.Header("x-api-key") == TestUsers.Bob.ImmichKey), 1, 4); // his own answers, merged only with his own
    }

    [Fact]
    public async Task Cover_ConditionalRequestOfTheAuthorizedUser_Gets304FromTheCache()
    {
        var (album, first) = await CoverCachedForAliceAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/albums/{album.Id}/cover-image");
        request.Headers.TryAddWithoutValidation("If-None-Match", first.Raw("etag"));

        var (response, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, request);

        Assert.Equal((HttpStatusCode.NotModified, "hit"), (response.StatusCode, response.XCache()));
        Assert.Equal(first.Raw("etag"), response.Raw("etag"));
        Assert.Empty(await response.BytesAsync());
        Assert.Equal($"/api/albums/{album.Id}", Assert.Single(seen).Path);
    }

    [Fact]
    public async Task Cover_WebpAskedAsJpeg_IsConvertedOnceAndCached()
    {
        var album = gateway.Immich.AddAlbum(1, TestUsers.Alice);

        var (first, firstSeen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/albums/{album.Id}/cover-image?format=jpeg");
        var (second, secondSeen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/albums/{album.Id}/cover-image?format=jpeg");

        Assert.Equal((HttpStatusCode.OK, "miss", "image/jpeg"), (first.StatusCode, first.XCache(), first.Raw("content-type")));
        Assert.True(IsJpeg(await first.BytesAsync()));
        Assert.Equal("W/\"284-1a21ca6b058-jpeg\"", first.Raw("etag"));
        Assert.Equal("?size=thumbnail", Assert.Single(firstSeen.Thumbnails()).Query); // format is the gateway's: never sent to Immich
        Assert.Equal(("hit", "image/jpeg"), (second.XCache(), second.Raw("content-type")));
        Assert.Equal(await first.BytesAsync(), await second.BytesAsync());
        Assert.Empty(secondSeen.Thumbnails());
    }

    [Fact]
    public async Task Cover_AfterANewCoverIsSet_IsTheNewAssetsThumbnail()
    {
        var album = gateway.Immich.AddAlbum(2, TestUsers.Alice);
        var newCover = album.Assets[1]["id"]!.GetValue<string>();
        await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/albums/{album.Id}/cover-image");

        var (set, _) = await gateway.SendAsync(TestUsers.AliceKiosk, new HttpRequestMessage(HttpMethod.Put, $"/api/albums/{album.Id}/cover-image")
        {
            Content = new StringContent($"{{\"assetId\":\"{newCover}\"}}", System.Text.Encoding.UTF8, "application/json"),
        });
        var (cover, seen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/albums/{album.Id}/cover-image");

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal((HttpStatusCode.OK, "miss"), (cover.StatusCode, cover.XCache()));
        Assert.Equal($"/api/assets/{newCover}/thumbnail", Assert.Single(seen.Thumbnails()).Path);
    }

    [Theory]
    [InlineData("?size=fullsize")]
    [InlineData("?size=thumbnail&marker=1")]
    public async Task Cover_WithAParameterTheCacheDoesNotKnow_IsForwardedUnchangedEveryTime(string query)
    {
        var album = gateway.Immich.AddAlbum(1, TestUsers.Alice);

        var (first, firstSeen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/albums/{album.Id}/cover-image{query}");
        var (_, secondSeen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/albums/{album.Id}/cover-image{query}");

        Assert.Null(first.XCache());
        Assert.Equal(query, Assert.Single(firstSeen.Thumbnails()).Query);
        Assert.Single(secondSeen.Thumbnails());
    }

    [Fact]
    public async Task Cover_RedirectedByImmich_PointsAtTheAssetsOwnRoute()
    {
        var album = gateway.Immich.AddAlbum(1, TestUsers.Alice);

        var (cover, _) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/albums/{album.Id}/cover-image?size=fullsize&edited=true");

        Assert.Equal(HttpStatusCode.Found, cover.StatusCode);
        Assert.Equal($"/api/assets/{Cover(album)}/original?edited=true", cover.Raw("location"));
    }

    [Theory]
    [InlineData(302, "original?edited=true", "/api/assets/A/original?edited=true")]
    [InlineData(302, "?size=preview", "/api/assets/A/thumbnail?size=preview")]
    [InlineData(302, "/api/assets/A/original", "/api/assets/A/original")]
    [InlineData(302, "https://immich.example/x", "https://immich.example/x")]
    [InlineData(200, "original", "original")]
    public void ResolveRedirectAgainst_MakesOnlyRelativeRedirectsAbsolutePaths(int status, string location, string expected)
    {
        var response = new Microsoft.AspNetCore.Http.DefaultHttpContext().Response;
        response.StatusCode = status;
        response.Headers.Location = location;

        ImmichGateway.Reference.ReferenceAlbums.ResolveRedirectAgainst("/api/assets/A/thumbnail", response);

        Assert.Equal(expected, response.Headers.Location.ToString());
    }
}
