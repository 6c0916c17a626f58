using System.Diagnostics.Metrics;

namespace ImmichGateway.Caching;

/// <summary>The cache's counters on the gateway's meter (<c>ImmichGateway</c>), tagged with which cache.</summary>
internal sealed class CacheMetrics
{
    public const string MeterName = "ImmichGateway";

    public const string Thumbnails = "thumbnail";
    public const string Statistics = "statistics";
    public const string ServerInfo = "server_info";

    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Counter<long> _bytesServed;
    private readonly Counter<long> _evictions;
    private readonly Counter<long> _redisErrors;

    public CacheMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _hits = meter.CreateCounter<long>("immich_gateway.cache.hits", "{request}", "Requests answered from the cache without calling Immich.");
        _misses = meter.CreateCounter<long>("immich_gateway.cache.misses", "{request}", "Cacheable requests that called Immich.");
        _bytesServed = meter.CreateCounter<long>("immich_gateway.cache.bytes_served", "By", "Body bytes sent to clients from cached entries.");
        _evictions = meter.CreateCounter<long>("immich_gateway.cache.evictions", "{eviction}", "Invalidations after writes, by what they evicted.");
        _redisErrors = meter.CreateCounter<long>("immich_gateway.cache.redis_errors", "{error}", "Redis operations that failed or timed out (the request went on without Redis).");
    }

    public void Hit(string cache) => _hits.Add(1, new KeyValuePair<string, object?>("cache", cache));

    public void Miss(string cache) => _misses.Add(1, new KeyValuePair<string, object?>("cache", cache));

    public void BytesServed(string cache, long bytes) => _bytesServed.Add(bytes, new KeyValuePair<string, object?>("cache", cache));

    public void Eviction(string scope) => _evictions.Add(1, new KeyValuePair<string, object?>("scope", scope));

    public void RedisError(string operation) => _redisErrors.Add(1, new KeyValuePair<string, object?>("operation", operation));
}
