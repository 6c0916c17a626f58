using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Proxy;

[Collection(GatewayCollection.Name)]
public sealed class UpstreamFailureTests(GatewayFactory gateway)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ImmichRejectingTheUsersKey_Is502ProblemNamingTheUserInTheLog()
    {
        using var client = gateway.CreateClient(TestUsers.CarolScript);
        var marker = Guid.NewGuid().ToString("N");
        var rejectedFor = new List<string?>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "ImmichGateway" && instrument.Name == "immich_gateway.immich_key_rejected")
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

        var response = await client.GetAsync($"/api/albums?marker={marker}", Cancel);

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadGateway);
        Assert.Contains("refused the API key", detail);
        Assert.False(response.Headers.Contains("ETag"));
        Assert.Single(gateway.Immich.RequestsMatching(marker));
        Assert.Contains(gateway.Logs.Events, e => e.EventId.Id == 1001 && e.State.GetValueOrDefault("User") == "carol");
        lock (rejectedFor)
        {
            Assert.Contains("carol", rejectedFor);
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
