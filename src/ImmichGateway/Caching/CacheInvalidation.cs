using System.Globalization;

namespace ImmichGateway.Caching;

/// <summary>
/// Carries out an eviction here and in Redis, and tells the other replicas over pub/sub so their memory tiers drop
/// the same entries within milliseconds. A replica that misses the message (Redis down) still lets go within
/// <see cref="CachingOptions.LocalLifetime"/> (images) and <see cref="CachingOptions.AccessLifetime"/> (access records).
/// </summary>
internal sealed class CacheInvalidation
{
    private const string AssetMessage = "asset:";
    private const string EpochMessage = "epoch:";

    private readonly ImageStore _images;
    private readonly AccessRecords _access;
    private readonly RedisConnection _redis;
    private readonly CacheMetrics _metrics;

    public CacheInvalidation(ImageStore images, AccessRecords access, RedisConnection redis, CacheMetrics metrics)
    {
        _images = images;
        _access = access;
        _redis = redis;
        _metrics = metrics;
        redis.MessageReceived += OnMessage;
        redis.Connected += () => _ = access.SyncEpochAsync();
    }

    /// <summary>
    /// Raised after every eviction, made here or received from another replica: what Immich lets whom see may have
    /// changed, so whatever else the gateway remembers about it (client scopes' album memberships) is dropped too.
    /// </summary>
    public event Action? Evicted;

    /// <summary>Carries out one row of <see cref="CacheEvictionRules.Table"/> after Immich accepted the write.</summary>
    public Task EvictAsync(EvictionRule rule, string path, IReadOnlyCollection<Guid>? bodyAssets) => rule.Scope switch
    {
        EvictionScope.PathAsset => CacheEvictionRules.PathAsset(rule, path) is { } asset ? EvictAssetsAsync([asset]) : Task.CompletedTask,
        EvictionScope.BodyAssets when bodyAssets is not null => EvictAssetsAsync(bodyAssets),
        _ => EvictAllAccessAsync(), // including a body whose ids could not be read
    };

    /// <summary>The assets' images (every size and format) and everyone's access records for them.</summary>
    public async Task EvictAssetsAsync(IReadOnlyCollection<Guid> assets)
    {
        foreach (var asset in assets)
        {
            await Task.WhenAll(_images.RemoveAsync(asset), _access.RevokeAsync(asset), _redis.PublishAsync(AssetMessage + asset.ToString("N")));
            _metrics.Eviction("asset");
        }
        Evicted?.Invoke();
    }

    /// <summary>Every access record of every user: each user asks Immich again before their next hit.</summary>
    public async Task EvictAllAccessAsync()
    {
        var epoch = await _access.RevokeAllAsync();
        await _redis.PublishAsync(EpochMessage + epoch.ToString(CultureInfo.InvariantCulture));
        _metrics.Eviction("all_access");
        Evicted?.Invoke();
    }

    private void OnMessage(string message)
    {
        if (message.StartsWith(AssetMessage, StringComparison.Ordinal) && Guid.TryParseExact(message[AssetMessage.Length..], "N", out var asset))
        {
            _images.RemoveLocal(asset);
            _access.RevokeLocal(asset);
            Evicted?.Invoke();
        }
        else if (message.StartsWith(EpochMessage, StringComparison.Ordinal) &&
                 long.TryParse(message.AsSpan(EpochMessage.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            _access.AdoptEpoch(epoch);
            Evicted?.Invoke();
        }
    }
}
