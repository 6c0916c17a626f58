using System.Net;
using System.Net.WebSockets;
using System.Text;
using ImmichGateway.Tests.Fixtures;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ImmichGateway.Tests.Health;

/// <summary>
/// The host stopping (SIGTERM) while a request is on its way: it is answered in full, new ones are not taken. Lasting
/// connections (WebSockets, socket.io long polls) are closed once the gateway stops taking new work, so they do not
/// hold the shutdown for its whole timeout.
/// </summary>
public sealed class GracefulShutdownTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>The host's shutdown timeout here; a stop that takes anywhere near it waited for a connection.</summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a stop with lasting connections open may take (a third of the shutdown timeout).</summary>
    private static readonly TimeSpan PromptStop = TimeSpan.FromSeconds(10);

    private sealed class HostCapturingFactory : KestrelGatewayFactory
    {
        public IHost Host { get; private set; } = null!;

        protected override IHost CreateHost(IHostBuilder builder) => Host = base.CreateHost(builder);

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout));
        }
    }

    private static async Task<bool> CompletesWithinAsync(Task task, TimeSpan bound) =>
        await Task.WhenAny(task, Task.Delay(bound, Cancel)) == task;

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

    [Fact]
    public async Task Stopping_WithAWebSocketOpen_ClosesIt_AndStopsPromptly()
    {
        await using var gateway = new HostCapturingFactory();
        await gateway.InitializeAsync();
        using var socket = await gateway.ConnectSocketIoAsync(TestUsers.AliceKiosk);

        var stopping = gateway.Host.StopAsync(Cancel);
        var closed = await KestrelGatewayFactory.ReceiveUntilClosedAsync(socket);
        var stoppedPromptly = await CompletesWithinAsync(stopping, PromptStop);

        Assert.True(closed, "the WebSocket stayed open while the host stopped");
        Assert.True(stoppedPromptly, $"the host took longer than {PromptStop.TotalSeconds} s to stop (shutdown timeout: {ShutdownTimeout.TotalSeconds} s)");
        Assert.Contains(gateway.Logs.Events, e => e.EventId.Id == 1006 && e.State.GetValueOrDefault("Count") == "1");
    }

    [Fact]
    public async Task Stopping_WithALongPollHeld_CutsIt_AndStopsPromptly()
    {
        await using var gateway = new HostCapturingFactory();
        await gateway.InitializeAsync();
        using var kiosk = gateway.CreateClient(TestUsers.AliceKiosk);
        var poll = kiosk.GetAsync("/api/socket.io/?EIO=4&transport=polling&sid=fake", Cancel); // Immich holds it up to 25 s
        await GatewayFactory.EventuallyAsync(() => Task.FromResult(gateway.Immich.Requests.Any(r => r.Path == "/api/socket.io/" && r.Query.Contains("sid=fake"))));

        var stopping = gateway.Host.StopAsync(Cancel);
        var stoppedPromptly = await CompletesWithinAsync(stopping, PromptStop);

        Assert.True(stoppedPromptly, $"the host took longer than {PromptStop.TotalSeconds} s to stop (shutdown timeout: {ShutdownTimeout.TotalSeconds} s)");
        await Assert.ThrowsAsync<HttpRequestException>(() => poll.WaitAsync(PromptStop, Cancel)); // cut, not answered
    }

    [Fact]
    public async Task Stopping_WithAShutdownDelay_KeepsTheWebSocketOpenDuringTheDelay_ThenClosesIt()
    {
        await using var gateway = new HostCapturingFactory();
        gateway.Settings["Gateway:Health:ShutdownDelay"] = "00:00:03";
        await gateway.InitializeAsync();
        using var socket = await gateway.ConnectSocketIoAsync(TestUsers.AliceKiosk);
        using var probe = gateway.CreateAnonymousClient();

        var stopping = gateway.Host.StopAsync(Cancel);
        var delaying = await GatewayFactory.EventuallyAsync(async () => (await probe.GetAsync("/health/ready", Cancel)).StatusCode == HttpStatusCode.ServiceUnavailable);
        await socket.SendAsync(Encoding.UTF8.GetBytes("during-the-delay"), WebSocketMessageType.Text, true, Cancel);
        var echoed = await KestrelGatewayFactory.ReceiveTextAsync(socket);
        var closed = await KestrelGatewayFactory.ReceiveUntilClosedAsync(socket);
        var stoppedPromptly = await CompletesWithinAsync(stopping, PromptStop);

        Assert.True(delaying, "readiness never failed: the shutdown delay did not start");
        Assert.Equal("during-the-delay", echoed);
        Assert.True(closed, "the WebSocket stayed open after the shutdown delay");
        Assert.True(stoppedPromptly, $"the host took longer than {PromptStop.TotalSeconds} s to stop (shutdown timeout: {ShutdownTimeout.TotalSeconds} s)");
    }
}
