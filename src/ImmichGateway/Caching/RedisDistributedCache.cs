using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ImmichGateway.Caching;

/// <summary>
/// HybridCache's second tier: plain Redis strings with an expiry, through the gateway's one connection, so these
/// operations share its timeout, back-off and error counting (a failure is a miss, never an exception).
/// HybridCache asks nothing else of it (no sliding expiration).
/// </summary>
internal sealed class RedisDistributedCache(RedisConnection redis, IOptions<CachingOptions> options) : IDistributedCache
{
    private readonly string _prefix = options.Value.KeyPrefix;

    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        var value = await redis.RunAsync("get", db => db.StringGetAsync(_prefix + key), RedisValue.Null);
        return value.IsNull ? null : (byte[]?)value;
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => SetAsync(key, value, options).GetAwaiter().GetResult();

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        var expiry = options.AbsoluteExpiration is { } at ? at - DateTimeOffset.UtcNow
            : options.AbsoluteExpirationRelativeToNow ?? options.SlidingExpiration ?? TimeSpan.FromMinutes(5);
        return expiry <= TimeSpan.Zero ? Task.CompletedTask : redis.RunAsync("set", db => db.StringSetAsync(_prefix + key, value, expiry));
    }

    public void Refresh(string key)
    {
    }

    public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

    public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

    public Task RemoveAsync(string key, CancellationToken token = default) => redis.RunAsync("delete", db => db.KeyDeleteAsync(_prefix + key));
}
