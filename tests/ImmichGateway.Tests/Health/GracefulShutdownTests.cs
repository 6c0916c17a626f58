using System.Net;
using ImmichGateway.Tests.Fixtures;
using Microsoft.Extensions.Hosting;

namespace ImmichGateway.Tests.Health;

/// <summary>The host stopping (SIGTERM) while a request is on its way: it is answered in full, new ones are not taken.</summary>
public sealed class GracefulShutdownTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private sealed class HostCapturingFactory : KestrelGatewayFactory
    {
        public IHost Host { get; private set; } = null!;

        protected override IHost CreateHost(IHostBuilder builder) => Host = base.CreateHost(builder);
    }

    [Fact]
    public async Task Stopping_WithARequestInFlight_AnswersItInFull_ThenTakesNoNewOnes()
    {
        await using var gateway = new HostCapturingFactory();
        await gateway.InitializeAsync();
        using var client = gateway.CreateClient(TestUsers.AliceKiosk);
        var marker = Guid.NewGuid().ToString("N");
        using var slow = new HttpRequestMessage(HttpMethod.Get, $"/api/albums?marker={marker}");
        slow.Headers.Add(FakeImmich.DelayHeader, "1500"); // Immich takes 1.5 s to answer

        var address = gateway.ServerAddress;
        var inFlight = client.SendAsync(slow, Cancel);
        while (gateway.Immich.RequestsMatching(marker).Count == 0)
        {
            await Task.Delay(20, Cancel); // until the request has reached Immich
        }
        var stopping = gateway.Host.StopAsync(Cancel);
        using var response = await inFlight;
        var body = await response.Content.ReadAsStringAsync(Cancel);
        await stopping;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("[", body);
        using var late = new HttpClient { BaseAddress = address };
        await Assert.ThrowsAsync<HttpRequestException>(() => late.GetAsync("/api/server/ping", Cancel)); // nobody listens any more
    }
}
