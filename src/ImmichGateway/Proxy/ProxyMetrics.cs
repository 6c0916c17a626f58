using System.Diagnostics.Metrics;

namespace ImmichGateway.Proxy;

/// <summary>Counters of the proxy path, on the gateway's meter.</summary>
internal sealed class ProxyMetrics
{
    public const string MeterName = "ImmichGateway";

    private readonly Counter<long> _immichKeyRejected;
    private readonly Counter<long> _upstreamErrors;

    public ProxyMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _immichKeyRejected = meter.CreateCounter<long>("immich_gateway.immich_key_rejected", "{request}",
            "Requests Immich refused with 401 although the gateway sent the user's configured key.");
        _upstreamErrors = meter.CreateCounter<long>("immich_gateway.upstream_errors", "{request}",
            "Forwarded requests that failed without an answer from Immich, by error.");
    }

    public void ImmichKeyRejected(string user) => _immichKeyRejected.Add(1, new KeyValuePair<string, object?>("user", user));

    public void UpstreamError(string error) => _upstreamErrors.Add(1, new KeyValuePair<string, object?>("error", error));
}
