using System.ComponentModel;

namespace ImmichGateway.Caching;

/// <summary>A JSON answer of Immich (200 only), cached whole. Immutable, so HybridCache's memory tier keeps the instance.</summary>
[ImmutableObject(true)]
internal sealed record CachedJson(string ContentType, byte[] Body, string? ETag);

/// <summary>A cached JSON answer: Immich's Content-Type and ETag (If-None-Match → 304), plus <c>X-Cache</c>.</summary>
internal sealed class CachedJsonResult(CachedJson json, bool hit, string cache, CacheMetrics metrics) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.Headers[ThumbnailCache.XCache] = hit ? "hit" : "miss";
        if (json.ETag is { } etag)
        {
            response.Headers.ETag = etag;
            if (!CacheRequests.AsksNoCache(httpContext.Request) && Matches(httpContext.Request.Headers.IfNoneMatch.ToString(), etag))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return Task.CompletedTask;
            }
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = json.ContentType;
        response.ContentLength = json.Body.Length;
        if (hit)
        {
            metrics.BytesServed(cache, json.Body.Length);
        }
        return response.Body.WriteAsync(json.Body, httpContext.RequestAborted).AsTask();
    }

    /// <summary>Weak comparison, as Express does for If-None-Match (<c>*</c> or any listed tag, W/ or not).</summary>
    private static bool Matches(string ifNoneMatch, string etag)
    {
        if (ifNoneMatch.Length == 0)
        {
            return false;
        }
        var bare = etag.StartsWith("W/", StringComparison.Ordinal) ? etag[2..] : etag;
        return ifNoneMatch.Split(',', StringSplitOptions.TrimEntries).Any(tag =>
            tag == "*" || (tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag) == bare);
    }
}

/// <summary>What a client's request says about caches.</summary>
internal static class CacheRequests
{
    /// <summary>
    /// <c>Cache-Control: no-cache</c> in the request: Immich (Express's <c>fresh</c>) then never answers 304, whatever
    /// <c>If-None-Match</c> or <c>If-Modified-Since</c> say, and neither does the cache.
    /// </summary>
    public static bool AsksNoCache(HttpRequest request)
    {
        foreach (var value in request.Headers.CacheControl)
        {
            foreach (var directive in (value ?? "").Split(',', StringSplitOptions.TrimEntries))
            {
                if (directive.Equals("no-cache", StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }
        return false;
    }
}
