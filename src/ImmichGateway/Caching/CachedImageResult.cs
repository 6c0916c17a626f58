namespace ImmichGateway.Caching;

/// <summary>
/// A cached image as Immich would send it: its Content-Type, ETag, Last-Modified, Cache-Control and Content-Disposition;
/// If-None-Match / If-Modified-Since answered with 304 and Range with 206 (ASP.NET Core's file result does both), plus
/// <c>X-Cache</c>. Only ever returned after the caller's access was established.
/// </summary>
internal sealed class CachedImageResult(ThumbnailEntry entry, bool hit, CacheMetrics metrics) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var headers = httpContext.Response.Headers;
        headers[ThumbnailCache.XCache] = hit ? "hit" : "miss";
        if (entry.CacheControl is { } cacheControl)
        {
            headers.CacheControl = cacheControl;
        }
        if (entry.ContentDisposition is { } disposition)
        {
            headers.ContentDisposition = disposition;
        }
        await TypedResults.File(entry.Body, entry.ContentType, lastModified: entry.LastModified, entityTag: entry.EntityTag,
            enableRangeProcessing: true).ExecuteAsync(httpContext);
        if (hit && httpContext.Response.StatusCode is StatusCodes.Status200OK or StatusCodes.Status206PartialContent)
        {
            metrics.BytesServed(CacheMetrics.Thumbnails, httpContext.Response.ContentLength ?? entry.Body.Length);
        }
    }
}
