using ImmichGateway.Keys;
using ImmichGateway.Proxy;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;

namespace ImmichGateway.Health;

/// <summary>
/// The gateway can serve: its user list loaded (validated at start-up), YARP's Immich cluster has its destination,
/// and it is not shutting down. Immich itself is deliberately not asked: if Immich is down, every replica would
/// leave the Service at once and clients would get connection errors instead of the gateway's 502.
/// </summary>
internal sealed class ReadinessHealthCheck(GatewayUsersStore users, IProxyStateLookup proxy, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public const string Name = "configuration";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("shutting down"));
        }
        _ = users.Current; // resolving the store is what proves the user list validated
        var routed = proxy.TryGetCluster(ProxyMetadata.ImmichCluster, out var cluster) && !cluster.Destinations.IsEmpty;
        return Task.FromResult(routed ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("no Immich destination"));
    }
}
