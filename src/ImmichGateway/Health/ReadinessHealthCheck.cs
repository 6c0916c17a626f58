using ImmichGateway.Proxy;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;

namespace ImmichGateway.Health;

/// <summary>
/// The gateway can serve: YARP's routes and its Immich destination are loaded, and it is not shutting down (every
/// setting, the user list among them, is validated before the server starts listening). Immich itself is
/// deliberately not asked: if Immich is down, every replica would leave the Service at once and clients would get
/// connection errors instead of the gateway's 502.
/// </summary>
internal sealed class ReadinessHealthCheck(IProxyStateLookup proxy, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public const string Name = "configuration";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("shutting down"));
        }
        var routed = proxy.TryGetCluster(ProxyMetadata.ImmichCluster, out var cluster) && !cluster.Destinations.IsEmpty;
        return Task.FromResult(routed ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("no Immich destination"));
    }
}
