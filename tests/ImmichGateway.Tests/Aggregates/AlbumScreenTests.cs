using System.Net;
using System.Text.Json.Nodes;
using ImmichGateway.Tests.Fixtures;
using ImmichGateway.Tests.Reference;

namespace ImmichGateway.Tests.Aggregates;

public sealed class AlbumScreenTests(BffGateway gateway) : IClassFixture<BffGateway>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AlbumList_HasEveryFieldOfTheSharedAlbum_NewestFirst_InOneCall()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, "GET", "/bff/albums");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var albums = await JsonAsync(response);
        var family = albums.AsArray().Single(a => a!["id"]!.GetValue<Guid>() == gateway.Family.Id)!;
        Assert.Equal(gateway.Family.Name, family["name"]!.GetValue<string>());
        Assert.Equal($"About {gateway.Family.Name}", family["description"]!.GetValue<string>());
        Assert.Equal(2500, family["assetCount"]!.GetValue<int>());
        Assert.Equal("Ada Admin", family["ownerName"]!.GetValue<string>());
        Assert.Equal(2, family["memberCount"]!.GetValue<int>());
        Assert.True(family["shared"]!.GetValue<bool>());
        Assert.Equal($"/api/assets/{gateway.Family.Cover}/thumbnail?size=thumbnail", family["coverThumbnailUrl"]!.GetValue<string>());
        Assert.NotNull(family["startDate"]);
        Assert.NotNull(family["lastUpdated"]);
        var updated = albums.AsArray().Select(a => a!["lastUpdated"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.Equal(updated.OrderDescending(), updated);
        Assert.DoesNotContain(albums.AsArray(), a => a!["id"]!.GetValue<Guid>() == gateway.AdaPrivate.Id);
        Assert.Contains(albums.AsArray(), a => a!["id"]!.GetValue<Guid>() == gateway.AliceOwn.Id);
        Assert.Equal("", seen.Only("GET", "/api/albums").Query);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    public async Task AlbumList_SharedFilter_IsImmichsIsShared(string shared)
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, "GET", $"/bff/albums?shared={shared}");

        var albums = (await JsonAsync(response)).AsArray();
        Assert.NotEmpty(albums);
        Assert.All(albums, a => Assert.Equal(shared == "true", a!["shared"]!.GetValue<bool>()));
        Assert.Equal($"?isShared={shared}", seen.Only("GET", "/api/albums").Query);
    }

    [Fact]
    public async Task AlbumList_WithAMalformedSharedFilter_Is400WithoutCallingImmich()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, "GET", "/bff/albums?shared=maybe");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Empty(seen);
    }

    [Fact]
    public async Task AlbumScreen_ComposesAlbumPeopleActivityAndFirstPage_InThreeCalls()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, "GET", $"/bff/albums/{gateway.Family.Id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var album = await JsonAsync(response);
        Assert.Equal(gateway.Family.Id, album["id"]!.GetValue<Guid>());
        Assert.Equal(2500, album["assetCount"]!.GetValue<int>());
        Assert.True(album["isActivityEnabled"]!.GetValue<bool>());
        Assert.Equal(TestUsers.Ada.Id, album["owner"]!["id"]!.GetValue<string>());
        Assert.Equal(
            [("Ada Admin", "owner"), ("Alice Liddell", "editor"), ("Bob Builder", "viewer")],
            album["members"]!.AsArray().Select(m => (m!["name"]!.GetValue<string>(), m["role"]!.GetValue<string>())));
        Assert.Equal((2, 1), (album["activity"]!["comments"]!.GetValue<int>(), album["activity"]!["likes"]!.GetValue<int>()));
        Assert.Empty(album["degraded"]!.AsArray());
        var tiles = album["assets"]!.AsArray();
        Assert.Equal(200, tiles.Count);
        Assert.NotNull(album["nextCursor"]);
        Assert.Equal(3, seen.Count);
        Assert.Contains(seen, s => (s.Method, s.Path) == ("GET", $"/api/albums/{gateway.Family.Id}"));
        Assert.Contains(seen, s => (s.Method, s.Path, s.Query) == ("GET", "/api/activities/statistics", $"?albumId={gateway.Family.Id}"));
        seen.Single(s => s.Path == "/api/search/metadata").BodyIs($"{{\"albumIds\":[\"{gateway.Family.Id}\"],\"page\":1,\"size\":200}}");
    }

    [Fact]
    public async Task AlbumScreen_Tiles_CarryWhatAGridNeeds()
    {
        var (response, _) = await gateway.SendAsync(TestUsers.AliceKiosk, "GET", $"/bff/albums/{gateway.Family.Id}?limit=10");

        var tiles = (await JsonAsync(response))["assets"]!.AsArray();
        var newest = gateway.Family.Assets[^1]; // GEN_02499.mp4: a video, newest first
        var video = tiles[0]!;
        Assert.Equal(newest["id"]!.GetValue<string>(), video["id"]!.GetValue<string>());
        Assert.Equal("VIDEO", video["type"]!.GetValue<string>());
        Assert.Equal(12.0, video["durationSeconds"]!.GetValue<double>());
        Assert.Equal($"/api/assets/{video["id"]}/video/playback", video["originalUrl"]!.GetValue<string>());
        var photo = tiles[1]!;
        Assert.Equal("IMAGE", photo["type"]!.GetValue<string>());
        Assert.Null(photo["durationSeconds"]);
        Assert.Equal(newest["thumbhash"]!.GetValue<string>(), photo["thumbhash"]!.GetValue<string>());
        Assert.Equal((64, 48, 1.3333), (photo["width"]!.GetValue<int>(), photo["height"]!.GetValue<int>(), photo["ratio"]!.GetValue<double>()));
        Assert.Equal(DateTimeOffset.Parse(gateway.Family.Assets[^2]["fileCreatedAt"]!.GetValue<string>()), photo["takenAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal($"/api/assets/{photo["id"]}/thumbnail?size=thumbnail", photo["thumbnailUrl"]!.GetValue<string>());
        Assert.Equal($"/api/assets/{photo["id"]}/thumbnail?size=preview", photo["previewUrl"]!.GetValue<string>());
        Assert.Equal($"/api/assets/{photo["id"]}/original", photo["originalUrl"]!.GetValue<string>());
        Assert.Equal(gateway.Family.Assets[^2]["isFavorite"]!.GetValue<bool>(), photo["isFavorite"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AlbumScreen_CursorPagesThroughEveryAssetOnce()
    {
        var ids = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var (response, seen) = await gateway.SendAsync(TestUsers.BobFrame, "GET",
                $"/bff/albums/{gateway.Family.Id}?limit=1000" + (cursor is null ? "" : $"&cursor={cursor}"));
            var album = await JsonAsync(response);
            ids.AddRange(album["assets"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()));
            cursor = album["nextCursor"]?.GetValue<string>();
            Assert.Equal(3, seen.Count);
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(2500, ids.Distinct().Count());
        Assert.Equal(2500, ids.Count);
    }

    [Theory]
    [InlineData("not-a-uuid", "")]
    [InlineData("{album}", "?limit=0")]
    [InlineData("{album}", "?limit=1001")]
    [InlineData("{album}", "?cursor=garbage")]
    [InlineData("{album}", "?cursor=MToyMDA")] // "1:200": page 1 is never a cursor
    public async Task AlbumScreen_WithBadInput_Is400WithoutCallingImmich(string id, string query)
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, "GET", $"/bff/albums/{id.Replace("{album}", gateway.Family.Id.ToString())}{query}");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Empty(seen);
    }

    [Fact]
    public async Task AlbumScreen_OfAnAlbumTheUserMayNotSee_Is404()
    {
        var (response, _) = await gateway.SendAsync(TestUsers.BobFrame, "GET", $"/bff/albums/{gateway.AdaPrivate.Id}");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AlbumScreen_OfAnAlbumThatDoesNotExist_Is404()
    {
        var (response, _) = await gateway.SendAsync(TestUsers.AdaCli, "GET", $"/bff/albums/{Guid.NewGuid()}");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AlbumScreen_WhenActivityFails_DegradesThatPartOnly()
    {
        gateway.Immich.Failing["getActivityStatistics"] = true;
        try
        {
            var (response, _) = await gateway.SendAsync(TestUsers.AliceKiosk, "GET", $"/bff/albums/{gateway.Family.Id}?limit=5");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var album = await JsonAsync(response);
            Assert.Null(album["activity"]);
            Assert.Equal(["activity"], album["degraded"]!.AsArray().Select(d => d!.GetValue<string>()));
            Assert.Equal(5, album["assets"]!.AsArray().Count);
        }
        finally
        {
            gateway.Immich.Failing.TryRemove("getActivityStatistics", out _);
        }
    }

    internal static async Task<JsonNode> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!;
}
