using ImmichGateway.Health;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ImmichGateway.Tests.Health;

public sealed class ShutdownDelayTests
{
    private sealed class Lifetime : IHostApplicationLifetime
    {
        private readonly CancellationTokenSource _stopping = new();

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => _stopping.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => _stopping.Cancel();
    }

    private static (ShutdownDelay Delay, Lifetime Lifetime, FakeTimeProvider Time) Create(TimeSpan delay)
    {
        var lifetime = new Lifetime();
        var time = new FakeTimeProvider();
        var options = Options.Create(new HealthOptions { ShutdownDelay = delay });
        return (new ShutdownDelay(options, lifetime, time, NullLogger<ShutdownDelay>.Instance), lifetime, time);
    }

    [Fact]
    public async Task Stopping_WithDelay_FailsReadinessFirstAndWaitsTheDelay()
    {
        var (delay, lifetime, time) = Create(TimeSpan.FromSeconds(5));

        var stopping = delay.StoppingAsync(TestContext.Current.CancellationToken);

        Assert.True(lifetime.ApplicationStopping.IsCancellationRequested);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(stopping.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await stopping.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Stopping_WhenTheShutdownTimeoutRunsOut_ReturnsAtOnce()
    {
        var (delay, _, _) = Create(TimeSpan.FromMinutes(5));
        using var timeout = new CancellationTokenSource();

        var stopping = delay.StoppingAsync(timeout.Token);
        await timeout.CancelAsync();

        await stopping.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Stopping_WithoutDelay_CompletesImmediately()
    {
        var (delay, lifetime, _) = Create(TimeSpan.Zero);

        await delay.StoppingAsync(TestContext.Current.CancellationToken);

        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);
    }
}
