using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using ImmichGateway.Tests.Fixtures;
using ImmichGateway.Tests.Reference;
using static ImmichGateway.Tests.Aggregates.AlbumScreenTests;

namespace ImmichGateway.Tests.Aggregates;

/// <summary>
/// The screens when Immich fails: an optional part degrades that part only (named in <c>degraded</c>); a required
/// call failing is a 502 problem; Immich down is a 502 problem; an id that does not exist is a 404 problem.
/// </summary>
public sealed class ScreenFailureTests(FailingBffGateway gateway) : IClassFixture<FailingBffGateway>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string Commented => gateway.Family.Assets[^1]["id"]!.GetValue<string>();

    [Fact]
    public async Task AssetScreen_WhenItsAlbumsFail_DegradesAlbums_AndAsksForNoActivity()
    {
        using var _ = Fail("getAllAlbums");

        var (response, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, "GET", $"/bff/assets/{Commented}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var detail = await JsonAsync(response);
        Assert.Equal(Commented, detail["asset"]!["id"]!.GetValue<string>());
        Assert.Equal("RecCam", detail["exif"]!["make"]!.GetValue<string>());
        Assert.Null(detail["albums"]);
        Assert.Equal(["albums"], Degraded(detail));
        Assert.DoesNotContain(seen, s => s.Path == "/api/activities");
    }

    [Fact]
    public async Task AssetScreen_WhenActivityFails_DegradesActivity_AndKeepsTheAlbums()
    {
        using var _ = Fail("getActivities");

        var (response, _) = await gateway.SendAsync(TestUsers.AliceKiosk, "GET", $"/bff/assets/{Commented}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var detail = await JsonAsync(response);
        var album = Assert.Single(detail["albums"]!.AsArray())!;
        Assert.Equal(gateway.Family.Id, album["id"]!.GetValue<Guid>());
        Assert.Null(album["activity"]);
        Assert.Equal(["activity"], Degraded(detail));
    }

    [Theory]
    [InlineData("getAssetStatistics", "assets", "alice")]
    [InlineData("getAlbumStatistics", "albums", "alice")]
    [InlineData("getAllAlbums", "recentAlbums", "alice")]
    [InlineData("getServerStatistics", "server", "ada")]
    public async Task Overview_WhenOnePartFails_DegradesThatPartOnly(string operation, string part, string user)
    {
        using var _ = Fail(operation);
        var client = user == "ada" ? TestUsers.AdaCli : TestUsers.AliceKiosk;

        var (response, _) = await gateway.SendAsync(client, "GET", "/bff/overview");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var overview = await JsonAsync(response);
        Assert.Equal(client.User.Name, overview["name"]!.GetValue<string>());
        Assert.Null(overview[part]);
        Assert.Equal([part], Degraded(overview));
        var parts = user == "ada" ? new[] { "assets", "albums", "recentAlbums", "server" } : ["assets", "albums", "recentAlbums"];
        Assert.All(parts.Where(p => p != part), p => Assert.NotNull(overview[p]));
    }

    [Theory]
    [InlineData("/bff/albums", "getAllAlbums")]
    [InlineData("/bff/albums/{album}", "getAlbumInfo")]
    [InlineData("/bff/albums/{album}", "searchAssets")]
    [InlineData("/bff/assets/{asset}", "getAssetInfo")]
    [InlineData("/bff/overview", "getMyUser")]
    public async Task Screen_WhenARequiredCallFailsWithImmich5xx_Is502Problem(string route, string operation)
    {
        using var _ = Fail(operation);

        var (response, _) = await gateway.SendAsync(TestUsers.AliceKiosk, "GET", Fill(route));

        Assert.Equal("Internal server error", await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadGateway));
        Assert.Equal("Immich failed", (await JsonAsync(response))["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task AssetScreen_OfAnAssetThatDoesNotExist_Is404()
    {
        var missing = Guid.NewGuid();

        var (response, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, "GET", $"/bff/assets/{missing}");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Contains(seen, s => s.Path == $"/api/assets/{missing}");
    }

    [Fact]
    public async Task EveryScreen_WhenImmichIsDown_Is502Problem()
    {
        await using var down = new GatewayFactory();
        await down.InitializeAsync();
        down.Settings["Immich:BaseUrl"] = $"http://127.0.0.1:{ClosedPort()}";
        using var client = down.CreateClient(TestUsers.AliceKiosk);

        foreach (var route in new[] { "/bff/albums", $"/bff/albums/{Guid.NewGuid()}", $"/bff/assets/{Guid.NewGuid()}", "/bff/overview" })
        {
            var response = await client.GetAsync(route, Cancel);

            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadGateway);
            Assert.Equal("Immich is unreachable", (await JsonAsync(response))["title"]!.GetValue<string>());
        }
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private string Fill(string route) => route.Replace("{album}", gateway.Family.Id.ToString()).Replace("{asset}", Commented);

    private static List<string> Degraded(JsonNode screen) => screen["degraded"]!.AsArray().Select(d => d!.GetValue<string>()).ToList();

    /// <summary>Makes the fake answer 500 to <paramref name="operation"/> until disposed.</summary>
    private FailingOperation Fail(string operation) => new(gateway.Immich, operation);
}

/// <summary>An Immich operation the fake answers with a 500 while this lives.</summary>
internal sealed class FailingOperation : IDisposable
{
    private readonly FakeImmich _immich;
    private readonly string _operation;

    public FailingOperation(FakeImmich immich, string operation)
    {
        (_immich, _operation) = (immich, operation);
        immich.Failing[operation] = true;
    }

    public void Dispose() => _immich.Failing.TryRemove(_operation, out _);
}
