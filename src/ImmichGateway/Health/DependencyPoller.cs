using Microsoft.Extensions.Options;

namespace ImmichGateway.Health;

/// <summary>
/// With OTLP export nobody scrapes the gateway, so this keeps the dependency gauge current: one check per
/// <see cref="HealthOptions.DependencyCacheDuration"/>. (With Prometheus, each scrape asks for a current result.)
/// </summary>
internal sealed class DependencyPoller(DependencyStatus status, IOptions<HealthOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.DependencyCacheDuration > TimeSpan.FromSeconds(1) ? options.Value.DependencyCacheDuration : TimeSpan.FromSeconds(1), time);
        try
        {
            do
            {
                await status.GetAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
