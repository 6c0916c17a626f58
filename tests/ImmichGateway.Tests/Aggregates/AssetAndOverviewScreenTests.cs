using System.Net;
using System.Net.Sockets;
using ImmichGateway.Tests.Fixtures;
using static ImmichGateway.Tests.Aggregates.AlbumScreenTests;

namespace ImmichGateway.Tests.Aggregates;

public sealed class AssetAndOverviewScreenTests(BffGateway gateway) : IClassFixture<BffGateway>
{
    [Fact]
    public async Task AssetScreen_HasExifPeopleTagsAlbumsAndTheActivityOnIt()
    {
        var asset = gateway.Family.Assets[^1];
        var id = asset["id"]!.GetValue<string>();

        var (response, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, "GET", $"/bff/assets/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var detail = await JsonAsync(response);
        Assert.Equal(id, detail["asset"]!["id"]!.GetValue<string>());
        Assert.Equal(asset["originalFileName"]!.GetValue<string>(), detail["originalFileName"]!.GetValue<string>());
        Assert.Equal("RecCam", detail["exif"]!["make"]!.GetValue<string>());
        Assert.Equal(asset["exifInfo"]!["model"]!.GetValue<string>(), detail["exif"]!["model"]!.GetValue<string>());
        Assert.Empty(detail["people"]!.AsArray());
        Assert.Empty(detail["tags"]!.AsArray());
        var album = Assert.Single(detail["albums"]!.AsArray())!;
        Assert.Equal(gateway.Family.Id, album["id"]!.GetValue<Guid>());
        Assert.Equal(["Lovely", "Agreed"], album["activity"]!.AsArray().Select(a => a!["comment"]!.GetValue<string>()));
        Assert.Equal("Alice Liddell", album["activity"]![0]!["user"]!["name"]!.GetValue<string>());
        Assert.Empty(detail["degraded"]!.AsArray());
        Assert.Equal(3, seen.Count);
        Assert.Contains(seen, s => (s.Path, s.Query) == ($"/api/assets/{id}", ""));
        Assert.Contains(seen, s => (s.Path, s.Query) == ("/api/albums", $"?assetId={id}"));
        Assert.Contains(seen, s => (s.Path, s.Query) == ("/api/activities", $"?albumId={gateway.Family.Id}&assetId={id}"));
    }

    [Fact]
    public async Task AssetScreen_InAnUnsharedAlbum_AsksForNoActivity()
    {
        var id = gateway.AliceOwn.Assets[0]["id"]!.GetValue<string>();

        var (response, seen) = await gateway.SendAsync(TestUsers.AlicePhone, "GET", $"/bff/assets/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Assert.Single((await JsonAsync(response))["albums"]!.AsArray())!["activity"]);
        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public async Task AssetScreen_OfAnAssetTheUserMayNotSee_Is404()
    {
        var id = gateway.AdaPrivate.Assets[0]["id"]!.GetValue<string>();

        var (response, _) = await gateway.SendAsync(TestUsers.BobFrame, "GET", $"/bff/assets/{id}");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AssetScreen_WithMalformedId_Is400WithoutCallingImmich()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.BobFrame, "GET", "/bff/assets/12345");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Empty(seen);
    }

    [Fact]
    public async Task Overview_ForANonAdmin_HasNoServerStatisticsAndNoError()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, "GET", "/bff/overview");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var overview = await JsonAsync(response);
        Assert.Equal("Alice Liddell", overview["name"]!.GetValue<string>());
        Assert.False(overview["isAdmin"]!.GetValue<bool>());
        Assert.NotNull(overview["assets"]!["images"]);
        Assert.NotNull(overview["albums"]!["owned"]);
        var recent = overview["recentAlbums"]!.AsArray();
        Assert.InRange(recent.Count, 1, 6);
        Assert.Contains(recent, a => a!["id"]!.GetValue<Guid>() == gateway.Family.Id);
        Assert.Null(overview["server"]);
        Assert.Empty(overview["degraded"]!.AsArray());
        Assert.Equal(4, seen.Count);
        Assert.DoesNotContain(seen, s => s.Path == "/api/server/statistics");
    }

    [Fact]
    public async Task Overview_WithMoreThanSixAlbums_ShowsTheSixLatest_NewestFirst()
    {
        var latest = new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var albums = new[] { 3, 7, 1, 8, 2, 6, 4, 5 }.Select(day =>
        {
            var album = gateway.Immich.AddAlbum(1, TestUsers.Bob);
            album.UpdatedAt = latest.AddDays(-day); // later than the recorded albums Bob also sees
            return album;
        }).ToList();

        var (response, _) = await gateway.SendAsync(TestUsers.BobFrame, "GET", "/bff/overview");

        var recent = (await JsonAsync(response))["recentAlbums"]!.AsArray();
        var expected = albums.OrderBy(a => latest - a.UpdatedAt!.Value).Take(6).Select(a => a.Id).ToList();
        Assert.Equal(expected, recent.Select(a => a!["id"]!.GetValue<Guid>()));
        Assert.Equal(expected.Select(id => albums.Single(a => a.Id == id).UpdatedAt), recent.Select(a => (DateTimeOffset?)a!["lastUpdated"]!.GetValue<DateTimeOffset>()));
    }

    [Fact]
    public async Task Overview_ForAnAdmin_AddsServerStatistics()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "GET", "/bff/overview");

        var overview = await JsonAsync(response);
        Assert.True(overview["isAdmin"]!.GetValue<bool>());
        var expected = Recordings.Get("GET_api_server_statistics.admin.json").Body!;
        Assert.Equal(expected["photos"]!.GetValue<int>(), overview["server"]!["photos"]!.GetValue<int>());
        Assert.Equal(expected["usage"]!.GetValue<long>(), overview["server"]!["usageBytes"]!.GetValue<long>());
        Assert.Equal(expected["usageByUser"]!.AsArray().Count, overview["server"]!["usageByUser"]!.AsArray().Count);
        Assert.Equal(5, seen.Count);
        Assert.Single(seen, s => s.Path == "/api/server/statistics");
    }

    [Fact]
    public async Task Overview_WhenImmichIsDown_Is502Problem()
    {
        await using var down = new GatewayFactory();
        await down.InitializeAsync();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        down.Settings["Immich:BaseUrl"] = $"http://127.0.0.1:{port}";
        using var client = down.CreateClient(TestUsers.AliceKiosk);

        var response = await client.GetAsync("/bff/overview", TestContext.Current.CancellationToken);

        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable });
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
