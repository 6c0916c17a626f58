using System.Diagnostics.Metrics;
using ImmichGateway.Observability;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry;

namespace ImmichGateway.Health;

/// <summary>
/// The latest result of the dependency checks (Immich, Redis), shared by <c>/health/dependencies</c> and the gauge
/// <c>immich_gateway.dependency.up</c>. A result is reused for <see cref="HealthOptions.DependencyCacheDuration"/>
/// and only one check runs at a time, so an anonymous caller cannot make the gateway hammer Immich. Checks run when
/// someone asks: <c>/health/dependencies</c>, a Prometheus scrape, or (with OTLP export) <see cref="DependencyPoller"/>.
/// The gauge itself only reports the last result: a metrics collection never starts a check.
/// </summary>
internal sealed class DependencyStatus
{
    private readonly HealthCheckService _checks;
    private readonly TimeProvider _time;
    private readonly IOptions<HealthOptions> _options;
    private readonly ILogger<DependencyStatus> _logger;
    private readonly Lock _gate = new();
    private Task<HealthReport>? _running;
    private Checked? _last;

    public DependencyStatus(HealthCheckService checks, TimeProvider time, IOptions<HealthOptions> options, IMeterFactory meters, ILogger<DependencyStatus> logger)
    {
        _checks = checks;
        _time = time;
        _options = options;
        _logger = logger;
        meters.Create(GatewayTelemetry.Name).CreateObservableGauge("immich_gateway.dependency.up", Observe, unit: null,
            description: "1 when the dependency answered its last check, 0 when it did not (Redis only when configured).");
    }

    /// <summary>A result no older than the cache duration; waits for a check when there is none.</summary>
    public Task<HealthReport> GetAsync(CancellationToken cancellationToken)
    {
        var last = Volatile.Read(ref _last);
        return last is not null && IsFresh(last.At) ? Task.FromResult(last.Report) : RefreshAsync().WaitAsync(cancellationToken);
    }

    private bool IsFresh(long at) => _time.GetElapsedTime(at) < _options.Value.DependencyCacheDuration;

    private Task<HealthReport> RefreshAsync()
    {
        lock (_gate)
        {
            return _running is { IsCompleted: false } running ? running : _running = CheckAsync();
        }
    }

    private async Task<HealthReport> CheckAsync()
    {
        await Task.Yield(); // the caller holds the lock
        HealthReport report;
        using (SuppressInstrumentationScope.Begin()) // health pings are not traffic worth tracing
        {
            report = await _checks.CheckHealthAsync(r => r.Tags.Contains(HealthEndpoints.DependencyTag), CancellationToken.None);
        }
        var previous = Volatile.Read(ref _last)?.Report;
        Volatile.Write(ref _last, new Checked(report, _time.GetTimestamp()));
        foreach (var (name, entry) in report.Entries)
        {
            var before = previous is not null && previous.Entries.TryGetValue(name, out var old) ? old.Status : HealthStatus.Healthy;
            if (entry.Status != HealthStatus.Healthy && entry.Status != before)
            {
                HealthLog.DependencyDown(_logger, name, entry.Status.ToString(), entry.Description);
            }
            else if (entry.Status == HealthStatus.Healthy && before != HealthStatus.Healthy)
            {
                HealthLog.DependencyRecovered(_logger, name, entry.Status.ToString());
            }
        }
        return report;
    }

    private IEnumerable<Measurement<int>> Observe()
    {
        if (Volatile.Read(ref _last) is not { } last)
        {
            yield break;
        }
        foreach (var (name, entry) in last.Report.Entries)
        {
            if (entry.Description != RedisHealthCheck.NotConfigured)
            {
                yield return new Measurement<int>(entry.Status == HealthStatus.Healthy ? 1 : 0, new KeyValuePair<string, object?>("dependency", name));
            }
        }
    }

    private sealed record Checked(HealthReport Report, long At);
}
