using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ImmichGateway.Caching;

/// <summary>
/// Images in two tiers: this process's memory (size-limited, <see cref="CachingOptions.LocalLifetime"/>) in front of
/// Redis (<see cref="CachingOptions.ThumbnailLifetime"/>). Image bytes go to Redis as they are, through
/// <see cref="IDatabase"/> (not HybridCache, whose default 1 MB payload limit and byte-array copies don't suit images).
/// Redis writes happen in the background, so a slow Redis never holds a response.
/// </summary>
internal sealed class ImageStore : IDisposable
{
    private readonly MemoryCache _local;
    private readonly RedisConnection _redis;
    private readonly CachingOptions _options;

    public ImageStore(RedisConnection redis, IOptions<CachingOptions> options, TimeProvider time)
    {
        _redis = redis;
        _options = options.Value;
        _local = new MemoryCache(new MemoryCacheOptions
        {
            SizeLimit = _options.LocalSizeLimit,
            CompactionPercentage = 0.25,
            Clock = time == TimeProvider.System ? null : new TimeProviderClock(time), // tests move time; the system clock needs no adapter
        });
    }

    public bool TryGetLocal(string key, out ThumbnailEntry? entry) => _local.TryGetValue(key, out entry);

    /// <summary>From memory, else from Redis (then kept in memory).</summary>
    public async ValueTask<ThumbnailEntry?> GetAsync(string key)
    {
        if (_local.TryGetValue(key, out ThumbnailEntry? entry))
        {
            return entry;
        }
        var value = await _redis.RunAsync("get", db => db.StringGetAsync(_options.KeyPrefix + key), RedisValue.Null);
        if (value.IsNull || (entry = ThumbnailEntry.Deserialize((byte[])value!)) is null)
        {
            return null;
        }
        SetLocal(key, entry);
        return entry;
    }

    public void Set(string key, ThumbnailEntry entry)
    {
        SetLocal(key, entry);
        var value = entry.Serialize();
        _ = _redis.RunAsync("set", db => db.StringSetAsync(_options.KeyPrefix + key, value, _options.ThumbnailLifetime));
    }

    /// <summary>Every image of the asset, here and in Redis.</summary>
    public Task RemoveAsync(Guid asset)
    {
        RemoveLocal(asset);
        var keys = CacheKeys.AllImages(asset).Select(k => (RedisKey)(_options.KeyPrefix + k)).ToArray();
        return _redis.RunAsync("delete", db => db.KeyDeleteAsync(keys));
    }

    public void RemoveLocal(Guid asset)
    {
        foreach (var key in CacheKeys.AllImages(asset))
        {
            _local.Remove(key);
        }
    }

    /// <summary>
    /// Remembers in memory, for <see cref="CachingOptions.LocalLifetime"/>, that this image (by key and ETag: a new
    /// image is tried afresh) could not be converted, so a client asking again is answered without another attempt.
    /// </summary>
    public void MarkUnconvertible(string key, string? etag) =>
        _local.Set(UnconvertibleKey(key, etag), true, new MemoryCacheEntryOptions { Size = 256, AbsoluteExpirationRelativeToNow = _options.LocalLifetime });

    public bool IsUnconvertible(string key, string? etag) => _local.TryGetValue(UnconvertibleKey(key, etag), out _);

    private static string UnconvertibleKey(string key, string? etag) => $"unconvertible|{key}|{etag}";

    /// <summary>
    /// Remembers in memory, for <see cref="CachingOptions.LocalLifetime"/>, that Immich's answer for this image could
    /// not be stored (another type, no Content-Length, larger than the cap), so the next requests go straight to Immich
    /// with their own conditional and range headers instead of through a fetch the cache would not keep.
    /// </summary>
    public void MarkNotStorable(string key) =>
        _local.Set("not-storable|" + key, true, new MemoryCacheEntryOptions { Size = 256, AbsoluteExpirationRelativeToNow = _options.LocalLifetime });

    public bool IsNotStorable(string key) => _local.TryGetValue("not-storable|" + key, out _);

    private void SetLocal(string key, ThumbnailEntry entry) =>
        _local.Set(key, entry, new MemoryCacheEntryOptions
        {
            Size = entry.Body.Length + 256,
            AbsoluteExpirationRelativeToNow = _options.LocalLifetime < _options.ThumbnailLifetime ? _options.LocalLifetime : _options.ThumbnailLifetime,
        });

    public void Dispose() => _local.Dispose();

    /// <summary>The memory tier's clock, so <see cref="CachingOptions.LocalLifetime"/> runs on the gateway's <see cref="TimeProvider"/>.</summary>
    private sealed class TimeProviderClock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
}
