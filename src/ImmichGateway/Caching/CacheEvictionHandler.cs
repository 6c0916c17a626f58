using ImmichGateway.Immich;
using Microsoft.Extensions.Options;

namespace ImmichGateway.Caching;

/// <summary>
/// Evicts after a write the gateway itself sent to Immich succeeded (the reference routes translate to Immich calls
/// through <see cref="ImmichClient"/>): the same table as the proxy path, in Immich's terms.
/// </summary>
internal sealed class CacheEvictionHandler(CacheInvalidation invalidation, IOptions<ImmichOptions> immich, ILogger<CacheEvictionHandler> logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = ImmichPath(request.RequestUri);
        if (CacheEvictionRules.Find(request.Method.Method, path) is not { } rule)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        IReadOnlyCollection<Guid>? assets = null;
        if (rule.Scope == EvictionScope.BodyAssets && request.Content is not null)
        {
            var body = await request.Content.ReadAsByteArrayAsync(cancellationToken); // buffered: sent as read
            assets = body.Length <= CacheEvictionRules.MaxBodyBytes ? CacheEvictionRules.BodyAssets(body) : null;
        }
        var response = await base.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            await invalidation.EvictAsync(rule, path!, assets);
            CachingLog.Evicted(logger, request.Method.Method, path!, rule.Scope.ToString());
        }
        return response;
    }

    /// <summary>The request's path as Immich routes it (<c>/api/…</c>), without the base URL's own path.</summary>
    private string? ImmichPath(Uri? uri)
    {
        if (uri is null)
        {
            return null;
        }
        var path = uri.IsAbsoluteUri ? uri.AbsolutePath : "/" + uri.OriginalString.Split('?')[0].TrimStart('/');
        var root = immich.Value.BaseUrl.AbsolutePath.TrimEnd('/');
        return root.Length > 0 && path.StartsWith(root, StringComparison.OrdinalIgnoreCase) ? path[root.Length..] : path;
    }
}
