using ImmichGateway.Caching;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ImmichGateway.Scopes;

/// <summary>Settings of client scopes (section <c>Gateway:Scopes</c>).</summary>
internal sealed class ScopeOptions
{
    public const string SectionName = "Gateway:Scopes";

    /// <summary>How long the answer to "is this asset in one of the client's albums?" is kept (per user and asset).</summary>
    public TimeSpan MembershipCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many such answers are kept at most: each album-scoped request for an asset not yet asked about adds one, so
    /// a client sending random ids cannot grow the gateway's memory without end.
    /// </summary>
    public int MembershipCacheEntries { get; set; } = 100_000;
}

/// <summary>
/// The remembered answers of <see cref="ScopeOptions.MembershipCacheDuration"/>, at most
/// <see cref="ScopeOptions.MembershipCacheEntries"/>. A write through the gateway that changes what Immich lets whom
/// see (the cache's eviction table: album asset and membership changes, deletions) forgets them all, here and, through
/// the cache's pub/sub, on every replica — an asset taken out of a frame's album stops showing at once, not after the
/// duration. Writes are rare beside reads; forgetting everything is simpler than tracking which user asked about what.
/// </summary>
internal sealed class AlbumMembershipCache : IDisposable
{
    private readonly ScopeOptions _options;
    private readonly MemoryCache _cache;
    private long _generation;

    public AlbumMembershipCache(IOptions<ScopeOptions> options, CacheInvalidation invalidation)
    {
        _options = options.Value;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = _options.MembershipCacheEntries });
        invalidation.Evicted += Forget;
    }

    public int Count => _cache.Count;

    /// <summary>Taken before asking Immich, given back to <see cref="Set"/>.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public bool TryGet(string key, out IReadOnlySet<Guid>? albums) => _cache.TryGetValue(key, out albums);

    /// <summary>
    /// Kept unless the cache is full (then asked again next time, which is only slower), or unless everything was
    /// forgotten since <paramref name="generation"/> (the answer may predate the write that caused it).
    /// </summary>
    public void Set(string key, IReadOnlySet<Guid> albums, long generation)
    {
        _cache.Set(key, albums, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _options.MembershipCacheDuration });
        if (Generation != generation)
        {
            _cache.Remove(key); // forgotten meanwhile: the answer may be from before the write
        }
    }

    public void Forget()
    {
        Interlocked.Increment(ref _generation);
        _cache.Clear();
    }

    public void Dispose() => _cache.Dispose();
}
