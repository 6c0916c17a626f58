using System.Net;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Caching;

/// <summary>
/// The cache answers as Immich would, also at the edges: a fetch that races an eviction, an image it cannot store,
/// a client asking for a fresh copy, a corrupt Redis value, query names as Immich spells them.
/// </summary>
[Collection(CacheCollection.Name)]
public sealed class CacheConsistencyTests(CacheGateway gateway)
{
    private string AliceAsset() => gateway.Immich.AddAlbum(1, TestUsers.Alice).Assets[0]["id"]!.GetValue<string>();

    /// <summary>
    /// An image the cache does not store (here: no Content-Length) for a user who already holds an access record: the
    /// "fill" fetch is sent without the client's If-None-Match, so the client gets the whole image again instead of
    /// Immich's 304.
    /// </summary>
    [Fact]
    public async Task UnstorableThumbnail_ConditionalRequest_IsForwardedConditionallyAndGets304()
    {
        var asset = AliceAsset();
        gateway.Immich.ThumbnailServings[asset] = ThumbnailServing.Chunked; // streamed through, never stored
        var (first, _) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Raw("etag");
        Assert.NotNull(etag);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/assets/{asset}/thumbnail");
        request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        var (second, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(etag, Assert.Single(seen.Thumbnails()).Header("if-none-match"));
    }

    /// <summary>
    /// A thumbnail fetch that is in flight while the user loses access (removed from the album through the gateway):
    /// the eviction runs, then the late answer grants an access record in the new epoch, and the removed user is
    /// served from the cache afterwards without Immich being asked.
    /// </summary>
    [Fact]
    public async Task FetchInFlightWhileTheUserIsRemovedFromTheAlbum_LeavesNoAccessRecord()
    {
        var album = gateway.Immich.AddAlbum(1, TestUsers.Ada, true, (TestUsers.Alice, "viewer"));
        var asset = album.Assets[0]["id"]!.GetValue<string>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway.Immich.ThumbnailGates[asset] = gate; // Immich has checked access and is still sending the file
        using var alice = gateway.CreateClient(TestUsers.AliceKiosk);
        var before = gateway.Immich.Requests.Count;

        var inFlight = alice.GetAsync($"/api/assets/{asset}/thumbnail", TestContext.Current.CancellationToken);
        await CacheGateway.WaitUntilAsync(() => gateway.Immich.RequestsSince(before).Thumbnails().Count == 1, "the fetch never reached Immich");
        var (removal, _) = await gateway.SendAsync(TestUsers.AdaCli,
            new HttpRequestMessage(HttpMethod.Delete, $"/api/albums/{album.Id}/user/{TestUsers.Alice.Id}"));
        Assert.Equal(HttpStatusCode.NoContent, removal.StatusCode);
        gate.SetResult();
        using (var served = await inFlight)
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode); // Immich served her before the removal: fine
        }

        var (after, seen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");

        Assert.NotEqual("hit", after.XCache());
        Assert.Single(seen.Thumbnails());
        Assert.Equal(HttpStatusCode.BadRequest, after.StatusCode);
    }

    /// <summary>
    /// Same race with a write that changes the image (edits): the eviction runs while a fetch that started before the
    /// write is still reading Immich's (pre-edit) answer; the late answer is stored and granted after the eviction, so
    /// the next request is a hit on the pre-edit image instead of asking Immich, as the eviction promises.
    /// </summary>
    [Fact]
    public async Task FetchInFlightDuringAnEdit_IsNotStoredAfterTheEviction()
    {
        var asset = AliceAsset();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway.Immich.ThumbnailGates[asset] = gate;
        using var alice = gateway.CreateClient(TestUsers.AliceKiosk);
        var before = gateway.Immich.Requests.Count;

        var inFlight = alice.GetAsync($"/api/assets/{asset}/thumbnail", TestContext.Current.CancellationToken);
        await CacheGateway.WaitUntilAsync(() => gateway.Immich.RequestsSince(before).Thumbnails().Count == 1, "the fetch never reached Immich");
        var (edit, _) = await gateway.SendAsync(TestUsers.AliceKiosk, new HttpRequestMessage(HttpMethod.Put, $"/api/assets/{asset}/edits")
        {
            Content = new StringContent("""{"edits":[{"action":"rotate","parameters":{"angle":90}}]}""", System.Text.Encoding.UTF8, "application/json"),
        });
        Assert.True(edit.IsSuccessStatusCode);
        gate.SetResult();
        (await inFlight).Dispose();

        var (after, seen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");

        Assert.NotEqual("hit", after.XCache());
        Assert.Single(seen.Thumbnails());
    }

    /// <summary>
    /// Express's fresh (what Immich's sendFile uses, modelled by the fake) never answers 304 when the request says
    /// <c>Cache-Control: no-cache</c>; the cache does, so a client asking for a fresh copy gets none.
    /// </summary>
    [Fact]
    public async Task ConditionalRequestWithNoCache_GetsTheImage_AsFromImmich()
    {
        var asset = AliceAsset();
        var (first, _) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");
        HttpRequestMessage Conditional(string query)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"/api/assets/{asset}/thumbnail{query}");
            request.Headers.TryAddWithoutValidation("If-None-Match", first.Raw("etag"));
            request.Headers.TryAddWithoutValidation("Cache-Control", "no-cache");
            return request;
        }

        var (immich, immichSeen) = await gateway.SendAsync(TestUsers.AliceKiosk, Conditional("?marker=1")); // forwarded: Immich's answer
        var (cached, _) = await gateway.SendAsync(TestUsers.AliceKiosk, Conditional(""));

        Assert.Single(immichSeen);
        Assert.Equal(HttpStatusCode.OK, immich.StatusCode);
        Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
    }

    /// <summary>
    /// A Redis value the gateway cannot read must be a miss ("Redis failure never fails a request"; README: a value of
    /// another version is a miss). Deserialize catches EndOfStream/IO/Format only: an out-of-range Last-Modified (or a
    /// negative body length) throws ArgumentOutOfRangeException and the request fails with 500.
    /// </summary>
    [Fact]
    public async Task UnreadableRedisEntry_IsAMiss_NotA500()
    {
        var asset = AliceAsset();
        using (var stream = new MemoryStream())
        {
            using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                writer.Write((byte)1);          // the current format version
                writer.Write("image/webp");
                writer.Write(false);            // no ETag
                writer.Write(long.MaxValue);    // Last-Modified: out of DateTimeOffset's range
                writer.Write(false);
                writer.Write(false);
                writer.Write(false);
                writer.Write(4);
                writer.Write(new byte[] { 1, 2, 3, 4 });
            }
            await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(gateway.Redis.ConnectionString);
            await redis.GetDatabase().StringSetAsync($"{gateway.Prefix}img:{Guid.Parse(asset):N}:t:o", stream.ToArray());
        }

        var (response, _) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>
    /// Express (qs) and Immich's DTO read query names case-sensitively: <c>?SIZE=preview</c> is an unknown parameter to
    /// Immich, which answers the default thumbnail. The cache reads names case-insensitively and serves (and fetches)
    /// the preview instead.
    /// </summary>
    [Theory]
    [InlineData("?size=")]
    [InlineData("?edited=")]
    public async Task EmptyQueryValue_IsForwardedAsSent_NotReadAsTheDefault(string query)
    {
        var asset = AliceAsset();

        var (response, seen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail{query}");

        Assert.Null(response.XCache());
        Assert.Equal(query, Assert.Single(seen.Thumbnails()).Query);
    }

    [Fact]
    public async Task UpperCaseQueryName_IsNotReadAsSize()
    {
        var asset = AliceAsset();

        var (response, seen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail?SIZE=preview");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Either forwarded as sent, or asked as Immich reads it (the default size), never as size=preview. (The fake
        // reads query names case-insensitively, unlike Express, so the body cannot tell here.) 
        Assert.Contains(Assert.Single(seen.Thumbnails()).Query, new[] { "?SIZE=preview", "?size=thumbnail" });
    }

    /// <summary>
    /// An image too large to store, asked for with a Range: Immich's 206, as the forwarded route would answer. The first
    /// such request costs a second call (the cache learns only from Immich's answer that it cannot store the image); the
    /// next go straight to Immich.
    /// </summary>
    [Fact]
    public async Task UnstorableThumbnail_RangeRequest_Gets206_AsFromImmich()
    {
        await using var small = new CacheGateway();
        small.Settings["Caching:MaxEntryBytes"] = "100"; // the thumbnail has 644 bytes
        await small.InitializeAsync();
        var asset = small.Immich.AddAlbum(1, TestUsers.Alice).Assets[0]["id"]!.GetValue<string>();
        HttpRequestMessage Ranged()
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"/api/assets/{asset}/thumbnail");
            request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 9);
            return request;
        }

        var (first, firstSeen) = await small.SendAsync(TestUsers.AliceKiosk, Ranged());
        var (second, secondSeen) = await small.SendAsync(TestUsers.AliceKiosk, Ranged());

        foreach (var response in new[] { first, second })
        {
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            Assert.Equal(10, (await response.BytesAsync()).Length);
        }
        Assert.Equal("bytes=0-9", firstSeen.Thumbnails()[^1].Header("range"));
        Assert.Equal("bytes=0-9", Assert.Single(secondSeen.Thumbnails()).Header("range"));
    }
}
