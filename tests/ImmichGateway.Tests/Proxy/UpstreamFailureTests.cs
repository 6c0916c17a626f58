using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using ImmichGateway.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace ImmichGateway.Tests.Proxy;

[Collection(GatewayCollection.Name)]
public sealed class UpstreamFailureTests(GatewayFactory gateway)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>
    /// Carol's key is unknown to Immich (revoked there), so Immich answers 401 to it: on the proxy path, on the
    /// thumbnail route (through the cache, or forwarded) and on the statistics route (the cache's own client).
    /// </summary>
    [Theory]
    [InlineData("/api/albums?marker={marker}")]
    [InlineData("/api/assets/{asset}/thumbnail")]
    [InlineData("/api/assets/{asset}/thumbnail?marker={marker}")]
    [InlineData("/api/server/statistics")]
    public async Task ImmichRejectingTheUsersKey_Is502ProblemNamingTheUserInTheLogAndMetric(string url)
    {
        using var client = gateway.CreateClient(TestUsers.CarolScript);
        var asset = gateway.Immich.AddAlbum(1, TestUsers.Alice).Assets[0]["id"]!.GetValue<string>();
        url = url.Replace("{marker}", Guid.NewGuid().ToString("N")).Replace("{asset}", asset);
        var meters = gateway.Services.GetRequiredService<IMeterFactory>();
        var rejectedFor = new List<string?>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == "immich_gateway.immich_key_rejected")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            lock (rejectedFor)
            {
                rejectedFor.Add(tags.ToArray().FirstOrDefault(t => t.Key == "user").Value as string);
            }
        });
        listener.Start();
        int Rejections() => gateway.Logs.Events.Count(e => e.EventId.Id == 1001 && e.State.GetValueOrDefault("User") == "carol");
        var rejectionsBefore = Rejections();
        var before = gateway.Immich.Requests.Count;

        var response = await client.GetAsync(url, Cancel);

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadGateway);
        Assert.Contains("refused the API key", detail);
        Assert.False(response.Headers.Contains("ETag"));
        var seen = Assert.Single(gateway.Immich.RequestsSince(before)); // statistics: /api/users/me, to learn whether she is an admin
        Assert.Equal(TestUsers.Revoked.ImmichKey, seen.Header("x-api-key"));
        Assert.Equal(rejectionsBefore + 1, Rejections());
        Assert.DoesNotContain(gateway.Logs.Events, e => e.AllText.Contains(TestUsers.Revoked.ImmichKey));
        lock (rejectedFor)
        {
            Assert.Equal(["carol"], rejectedFor);
        }
    }

    [Fact]
    public async Task ClientGoingAway_MidRequest_IsNotLoggedAsAWarningOrError()
    {
        await using var quiet = new KestrelGatewayFactory();
        await quiet.InitializeAsync();
        using var client = quiet.CreateClient(TestUsers.AliceKiosk);
        var marker = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/albums?marker={marker}");
        request.Headers.Add(FakeImmich.DelayHeader, "1500");
        using var impatient = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        impatient.CancelAfter(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SendAsync(request, impatient.Token));
        var audited = SpinWait.SpinUntil(() => quiet.Logs.Events.Any(e => e.EventId.Id == 6001 && e.State.GetValueOrDefault("Path") == "/api/albums"), TimeSpan.FromSeconds(10));

        Assert.True(audited, "the aborted request never finished on the server");
        Assert.DoesNotContain(quiet.Logs.Events, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact]
    public async Task ImmichAnswering401OnAPublicRoute_PassesThrough()
    {
        // Public routes carry no key, so a 401 there is Immich's answer to the client, not a broken gateway key.
        using var client = gateway.CreateAnonymousClient();

        var response = await client.GetAsync("/api/server/statistics", Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ImmichTooSlow_Is504Problem()
    {
        await using var slowGateway = new GatewayFactory();
        slowGateway.Settings["Immich:RequestTimeout"] = "00:00:00.300";
        await slowGateway.InitializeAsync();
        using var client = slowGateway.CreateClient(TestUsers.AliceKiosk);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/albums");
        request.Headers.Add(FakeImmich.DelayHeader, "5000");

        var response = await client.SendAsync(request, Cancel);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.GatewayTimeout);
    }

    [Fact]
    public async Task ImmichRefusingConnections_Is502Problem_AndTheGatewayRecoversWhenImmichIsBack()
    {
        var port = FreePort();
        await using var gatewayToNowhere = new GatewayFactory();
        await gatewayToNowhere.InitializeAsync();
        await gatewayToNowhere.Immich.DisposeAsync();
        gatewayToNowhere.Settings["Immich:BaseUrl"] = $"http://127.0.0.1:{port}";
        using var client = gatewayToNowhere.CreateClient(TestUsers.AliceKiosk);

        var down = await client.GetAsync("/api/albums", Cancel);
        await using var immichBack = await FakeImmich.StartAsync(port);
        var up = await client.GetAsync("/api/albums", Cancel);

        var detail = await ProblemAssert.IsProblemAsync(down, HttpStatusCode.BadGateway);
        Assert.Contains("could not get an answer from Immich", detail);
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
