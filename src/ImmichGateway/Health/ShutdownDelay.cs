using Microsoft.Extensions.Options;

namespace ImmichGateway.Health;

/// <summary>
/// On shutdown, fails readiness at once and keeps serving for <see cref="HealthOptions.ShutdownDelay"/> before the
/// server stops listening: Kubernetes takes a pod out of its Service only after SIGTERM has been sent, so requests
/// keep arriving for a few seconds. Runs before any hosted service stops (Kestrel among them).
/// </summary>
internal sealed class ShutdownDelay(IOptions<HealthOptions> options, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<ShutdownDelay> logger)
    : IHostedLifecycleService
{
    // Not disposed: it has no timer to release, and a host may be stopped again after it was disposed.
    private readonly CancellationTokenSource _servingEnded = new();

    /// <summary>
    /// Cancelled when the gateway stops taking new work on shutdown: once the delay has run out (at once when there is
    /// none), just before the server stops listening and drains what is in flight.
    /// </summary>
    public CancellationToken ServingEnded => _servingEnded.Token;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await DelayAsync(cancellationToken);
        }
        finally
        {
            await _servingEnded.CancelAsync();
        }
    }

    private async Task DelayAsync(CancellationToken cancellationToken)
    {
        var delay = options.Value.ShutdownDelay;
        if (delay <= TimeSpan.Zero)
        {
            return;
        }
        lifetime.StopApplication(); // already requested on SIGTERM; makes sure readiness fails during the delay
        HealthLog.ShutdownDelayed(logger, delay.TotalSeconds);
        try
        {
            await Task.Delay(delay, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // the host's shutdown timeout ran out: stop now
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
