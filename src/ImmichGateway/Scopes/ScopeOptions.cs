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

/// <summary>The remembered answers of <see cref="ScopeOptions.MembershipCacheDuration"/>, at most <see cref="ScopeOptions.MembershipCacheEntries"/>.</summary>
internal sealed class AlbumMembershipCache(IOptions<ScopeOptions> options) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions
    {
        SizeLimit = options.Value.MembershipCacheEntries,
    });

    public int Count => _cache.Count;

    public bool TryGet(string key, out IReadOnlySet<Guid>? albums) => _cache.TryGetValue(key, out albums);

    /// <summary>Kept unless the cache is full (then asked again next time, which is only slower).</summary>
    public void Set(string key, IReadOnlySet<Guid> albums) =>
        _cache.Set(key, albums, new MemoryCacheEntryOptions
        {
            Size = 1,
            AbsoluteExpirationRelativeToNow = options.Value.MembershipCacheDuration,
        });

    public void Dispose() => _cache.Dispose();
}
