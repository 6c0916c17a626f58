using ImmichGateway.Errors;
using Microsoft.Net.Http.Headers;

namespace ImmichGateway.Caching;

/// <summary>
/// A cached image as Immich would send it: its Content-Type, ETag, Last-Modified, Cache-Control and Content-Disposition,
/// plus <c>X-Cache</c>. A plain GET is written straight from the entry (the hot path); a conditional or range request
/// goes through ASP.NET Core's file result (304, 206 as Express would answer; a 416 or 412 as a problem document).
/// Only ever returned after the caller's access was established.
/// </summary>
internal sealed class CachedImageResult(ThumbnailEntry entry, bool hit, CacheMetrics metrics) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var headers = response.Headers;
        headers[ThumbnailCache.XCache] = hit ? "hit" : "miss";
        if (entry.CacheControl is { } cacheControl)
        {
            headers.CacheControl = cacheControl;
        }
        if (entry.ContentDisposition is { } disposition)
        {
            headers.ContentDisposition = disposition;
        }

        var request = httpContext.Request.Headers;
        if (CacheRequests.AsksNoCache(httpContext.Request))
        {
            // The client wants the image, not a 304 (Express's fresh); ranges and preconditions still apply.
            request.Remove(HeaderNames.IfNoneMatch);
            request.Remove(HeaderNames.IfModifiedSince);
        }
        if (request.IfNoneMatch.Count == 0 && request.IfModifiedSince.Count == 0 && request.Range.Count == 0 &&
            request.IfMatch.Count == 0 && request.IfUnmodifiedSince.Count == 0)
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = entry.ContentType;
            response.ContentLength = entry.Body.Length;
            headers.AcceptRanges = "bytes";
            if (entry.ETag is { } etag)
            {
                headers.ETag = etag;
            }
            if (entry.LastModifiedText is { } lastModified)
            {
                headers.LastModified = lastModified;
            }
            if (hit)
            {
                metrics.BytesServed(CacheMetrics.Thumbnails, entry.Body.Length);
            }
            await response.Body.WriteAsync(entry.Body, httpContext.RequestAborted);
            return;
        }

        await TypedResults.File(entry.Body, entry.ContentType, lastModified: entry.LastModified, entityTag: entry.EntityTag,
            enableRangeProcessing: true).ExecuteAsync(httpContext);
        if (response.StatusCode >= 400 && !response.HasStarted)
        {
            // A range past the image's end (416) or a failed If-Match (412): the file result leaves the image's
            // Content-Type on an empty body. The gateway's own errors are problems; Content-Range (bytes */length) stays,
            // the image's caching and file name go.
            headers.Remove(HeaderNames.CacheControl);
            headers.Remove(HeaderNames.ContentDisposition);
            response.ContentLength = null;
            await httpContext.WriteProblemAsync(response.StatusCode, detail: response.StatusCode == StatusCodes.Status416RangeNotSatisfiable
                ? $"The requested range is not within the image's {entry.Body.Length} bytes."
                : null);
            return;
        }
        if (hit && response.StatusCode is StatusCodes.Status200OK or StatusCodes.Status206PartialContent)
        {
            metrics.BytesServed(CacheMetrics.Thumbnails, response.ContentLength ?? entry.Body.Length);
        }
    }
}
