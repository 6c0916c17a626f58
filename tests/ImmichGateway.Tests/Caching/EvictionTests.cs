using System.Net;
using System.Text;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Caching;

/// <summary>Every write route of the eviction table, proxied or translated: after it, the next thumbnail request asks Immich.</summary>
[Collection(CacheCollection.Name)]
public sealed class EvictionTests(CacheGateway gateway)
{
    public static TheoryData<string, string, string?, bool> Writes => new()
    {
        // method, route (proxied to Immich, or a reference route the gateway translates), body, evicts the asset's images
        { "PUT", "/api/assets/{asset}", """{"isFavorite":true}""", true },
        { "PATCH", "/api/assets/{asset}", """{"visibility":"archive"}""", true },
        { "PUT", "/api/assets", """{"ids":["{asset}"],"visibility":"hidden"}""", true },
        { "PATCH", "/api/assets", """{"ids":["{asset}"],"isFavorite":true}""", true },
        { "DELETE", "/api/assets", """{"ids":["{asset}"]}""", true },
        { "PUT", "/api/assets/{asset}/edits", """{"edits":[{"action":"rotate","parameters":{"angle":90}}]}""", true },
        { "DELETE", "/api/assets/{asset}/edits", null, true },
        { "POST", "/api/assets/jobs", """{"assetIds":["{asset}"],"name":"regenerate-thumbnail"}""", true },
        { "POST", "/api/trash/restore/assets", """{"ids":["{asset}"]}""", true },
        { "POST", "/api/trash/restore", null, false },
        { "POST", "/api/trash/empty", null, false },
        { "PUT", "/api/jobs/thumbnailGeneration", """{"command":"start","force":true}""", false },
        { "PUT", "/api/albums/{album}/assets", """{"ids":["{asset}"]}""", true },
        { "DELETE", "/api/albums/{album}/assets", """{"ids":["{asset}"]}""", true },
        { "PUT", "/api/albums/assets", """{"albumIds":["{album}"],"assetIds":["{asset}"]}""", true },
        { "PUT", "/api/albums/{album}/users", """{"albumUsers":[{"userId":"{user}","role":"viewer"}]}""", false },
        { "PUT", "/api/albums/{album}/user/{user}", """{"role":"viewer"}""", false },
        { "DELETE", "/api/albums/{album}/user/{user}", null, false },
        { "DELETE", "/api/albums/{album}", null, false },
        { "DELETE", "/api/shared-links/{link}", null, false },
        { "POST", "/api/partners/{user}", null, false },
        { "PUT", "/api/partners/{user}", """{"inTimeline":false}""", false },
        { "DELETE", "/api/partners/{user}", null, false },
        { "DELETE", "/api/admin/users/{user}", "{}", false },
        // reference routes (translated by the gateway)
        { "DELETE", "/api/assets/{asset}?force=true", null, true },
        { "PUT", "/api/assets/{asset}/restore", null, true },
        { "PUT", "/api/assets/{asset}/archive", null, true },
        { "PUT", "/api/assets/{asset}/favorite", """{"isFavorite":false}""", true },
        { "POST", "/api/jobs", """{"name":"thumbnail-generation","force":true}""", false },
        { "DELETE", "/api/users/{user}", null, false },
    };

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task Write_ThroughTheGateway_EvictsSoTheNextThumbnailAsksImmich(string method, string route, string? body, bool evictsImages)
    {
        var asset = Guid.NewGuid().ToString(); // only the admin may see it: Ada
        var album = gateway.Immich.AddAlbum(0, TestUsers.Ada, false, (TestUsers.Bob, "viewer")); // Ada's, shared with Bob
        await gateway.GetAsync(TestUsers.AdaCli, $"/api/assets/{asset}/thumbnail");
        var (warm, _) = await gateway.GetAsync(TestUsers.AdaCli, $"/api/assets/{asset}/thumbnail");
        Assert.Equal("hit", warm.XCache());
        var evictions = gateway.Counter("immich_gateway.cache.evictions");

        var (write, writeSeen) = await gateway.SendAsync(TestUsers.AdaCli, Request(method, route, body, asset, album.Id));
        var imagesLeft = await gateway.ImageKeysAsync(asset);
        var (after, seen) = await gateway.GetAsync(TestUsers.AdaCli, $"/api/assets/{asset}/thumbnail");

        Assert.True(write.IsSuccessStatusCode, $"{method} {route} answered {write.StatusCode}");
        Assert.NotEmpty(writeSeen);
        Assert.Equal((HttpStatusCode.OK, "miss"), (after.StatusCode, after.XCache()));
        Assert.Single(seen.Thumbnails());
        Assert.Equal(1, gateway.Counter("immich_gateway.cache.evictions") - evictions);
        if (evictsImages)
        {
            Assert.Equal(0, imagesLeft);
            Assert.Null(Assert.Single(seen).Header("if-none-match")); // the image itself was dropped
        }
        else
        {
            Assert.NotNull(Assert.Single(seen).Header("if-none-match")); // only access: a cheap revalidation
        }
    }

    [Fact]
    public async Task LeavingAnAlbumAsMe_TheUserWhoLeftGetsNoHitAndIsSentToImmich()
    {
        var album = gateway.Immich.AddAlbum(1, TestUsers.Ada, true, (TestUsers.Bob, "viewer"));
        var asset = album.Assets[0]["id"]!.GetValue<string>();
        await gateway.GetAsync(TestUsers.BobFrame, $"/api/assets/{asset}/thumbnail");
        var (warm, _) = await gateway.GetAsync(TestUsers.BobFrame, $"/api/assets/{asset}/thumbnail");
        Assert.Equal("hit", warm.XCache());

        var (leave, leaveSeen) = await gateway.SendAsync(TestUsers.BobFrame, new HttpRequestMessage(HttpMethod.Delete, $"/api/albums/{album.Id}/user/me"));
        var (after, seen) = await gateway.GetAsync(TestUsers.BobFrame, $"/api/assets/{asset}/thumbnail");

        Assert.Equal(HttpStatusCode.NoContent, leave.StatusCode);
        Assert.Equal(($"/api/albums/{album.Id}/user/me", TestUsers.Bob.ImmichKey), (Assert.Single(leaveSeen).Path, leaveSeen[0].Header("x-api-key")));
        Assert.False(album.CanRead(TestUsers.Bob)); // Immich let him go
        Assert.Equal(HttpStatusCode.BadRequest, after.StatusCode); // Immich's refusal, not the cached image
        Assert.Equal("{\"message\":\"Not found or no asset.view access\"}", await after.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.NotEqual("hit", after.XCache());
        Assert.Equal(TestUsers.Bob.ImmichKey, Assert.Single(seen).Header("x-api-key"));
    }

    [Fact]
    public async Task FailedWrite_EvictsNothing()
    {
        var asset = Guid.NewGuid().ToString();
        await gateway.GetAsync(TestUsers.AdaCli, $"/api/assets/{asset}/thumbnail");

        var (write, _) = await gateway.SendAsync(TestUsers.AliceKiosk, Request("DELETE", "/api/admin/users/{user}", "{}", asset, FakeImmich.AlbumTwo)); // Immich: 403
        var (after, seen) = await gateway.GetAsync(TestUsers.AdaCli, $"/api/assets/{asset}/thumbnail");

        Assert.False(write.IsSuccessStatusCode);
        Assert.Equal(("hit", 0), (after.XCache(), seen.Count));
    }

    private static HttpRequestMessage Request(string method, string route, string? body, string asset, Guid album)
    {
        string Fill(string text) => text.Replace("{asset}", asset).Replace("{album}", album.ToString())
            .Replace("{user}", TestUsers.Bob.Id).Replace("{link}", Guid.NewGuid().ToString());
        return new HttpRequestMessage(new HttpMethod(method), Fill(route))
        {
            Content = body is null ? null : new StringContent(Fill(body), Encoding.UTF8, "application/json"),
        };
    }
}
