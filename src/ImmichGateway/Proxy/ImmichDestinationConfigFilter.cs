using ImmichGateway.Immich;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace ImmichGateway.Proxy;

/// <summary>
/// Fills the <c>immich</c> cluster from <c>Immich:BaseUrl</c> and <c>Immich:RequestTimeout</c>, so there is exactly one
/// setting for where Immich is, shared by the proxy and everything else that calls Immich.
/// </summary>
internal sealed class ImmichDestinationConfigFilter(IOptions<ImmichOptions> immich) : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel)
    {
        if (!string.Equals(cluster.ClusterId, ProxyMetadata.ImmichCluster, StringComparison.OrdinalIgnoreCase))
        {
            return ValueTask.FromResult(cluster);
        }

        var options = immich.Value;
        return ValueTask.FromResult(cluster with
        {
            Destinations = new Dictionary<string, DestinationConfig>
            {
                ["immich"] = new() { Address = options.BaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') },
            },
            HttpRequest = (cluster.HttpRequest ?? new ForwarderRequestConfig()) with { ActivityTimeout = options.RequestTimeout },
        });
    }

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel) =>
        ValueTask.FromResult(route);
}
