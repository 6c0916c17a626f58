using System.Collections.Concurrent;
using ImmichGateway.Auth;
using ImmichGateway.Immich;
using ImmichGateway.Keys;
using ImmichGateway.Proxy;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace ImmichGateway.Caching;

/// <summary>
/// Thumbnails and previews from the cache, safe across users.
/// <list type="bullet">
/// <item>One copy of each image (asset, size, edited, format), whoever fetched it.</item>
/// <item>A user is answered from the cache only with an access record: Immich served that user this asset less than
/// <see cref="CachingOptions.AccessLifetime"/> ago. Without one the request goes to Immich with the user's own key —
/// a conditional request when the image is cached, so a 304 proves access without sending the image again — and
/// Immich's refusal goes back as Immich sent it. 304s to the client are computed only after that check.</item>
/// <item>Concurrent misses are merged: one fetch per image for users who hold a record, one per user and image for
/// users who don't (they never wait for, nor get, someone else's answer).</item>
/// </list>
/// </summary>
internal sealed class ThumbnailCache(
    ImageStore images,
    AccessRecords access,
    GatewayUsersStore users,
    ImageConverter converter,
    CacheMetrics metrics,
    IOptions<CachingOptions> options,
    TimeProvider time,
    ILogger<ThumbnailCache> logger)
{
    public const string XCache = "X-Cache";

    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The query parameters the cache understands, spelled as Immich reads them (names are case-sensitive there:
    /// <c>SIZE=preview</c> is an unknown parameter, not a size); a request with any other goes to Immich unchanged.
    /// </summary>
    private static readonly HashSet<string> Understood = new(StringComparer.Ordinal) { "size", "edited", "format", "c" };

    private readonly ConcurrentDictionary<string, Task<Outcome>> _inFlight = new(StringComparer.Ordinal);
    private readonly CachingOptions _options = options.Value;

    /// <summary>
    /// The hot path, without an await: the caller holds an access record in this process and the image, as asked
    /// for, is in this process's memory. Null when anything else is needed (then <see cref="ServeAsync"/>).
    /// </summary>
    public IResult? TryServeFromMemory(Guid asset, ImageFormat? format, HttpContext context)
    {
        if (Describe(asset, context) is not { } request || !access.HasLocal(request.User, asset) ||
            CachedLocally(request) is not { Entry: var entry } || (format is not null && !format.Matches(entry.ContentType)))
        {
            return null;
        }
        metrics.Hit(CacheMetrics.Thumbnails);
        return new CachedImageResult(entry, hit: true, metrics);
    }

    /// <summary>
    /// The answer, or null when this is not a request the cache answers (another size, a parameter it does not know,
    /// a user without an Immich key): the caller forwards it as before (through <see cref="InFormatAsync"/> when
    /// <paramref name="format"/> is asked for). An image Immich sent that cannot be cached is passed through, or
    /// converted as <see cref="InFormatAsync"/> does.
    /// </summary>
    public async Task<IResult?> ServeAsync(Guid asset, ImageFormat? format, HttpContext context)
    {
        if (Describe(asset, context) is not { } request || images.IsNotStorable(request.Key))
        {
            return null; // an image Immich sent moments ago that the cache cannot store: forwarded as the client asked
        }

        var outcome = await NativeAsync(request, context);
        if (outcome is Uncached { Response: var whole } && AsksForLess(context.Request))
        {
            // Immich's whole image, which the cache cannot store: the client asked for a 304 or a range, and the caller
            // asks Immich again with the client's own conditional and range headers.
            whole.Dispose();
            metrics.Miss(CacheMetrics.Thumbnails);
            return null;
        }
        if (outcome is not Image { Entry: var entry, Hit: var hit })
        {
            metrics.Miss(CacheMetrics.Thumbnails);
            return outcome switch
            {
                Uncached { Response: var response } when format is not null => await InFormatAsync(response, asset, format, context.RequestAborted),
                Uncached { Response: var response } => new ImmichPassThrough(response),
                _ => ((Answer)outcome).Result,
            };
        }
        if (format is not null && !format.Matches(entry.ContentType))
        {
            if (await ConvertAsync(request, entry, format) is not Image { Entry: var converted })
            {
                return NotConvertible(asset, format, entry.ContentType);
            }
            entry = converted;
        }
        if (hit)
        {
            metrics.Hit(CacheMetrics.Thumbnails);
        }
        else
        {
            metrics.Miss(CacheMetrics.Thumbnails);
        }
        return new CachedImageResult(entry, hit, metrics);
    }

    /// <summary>The image as Immich stores it, for this user, or Immich's own answer.</summary>
    private async Task<Outcome> NativeAsync(ThumbnailRequest request, HttpContext context)
    {
        var cancel = context.RequestAborted;
        // Resolved only on a miss: a typed client costs an HttpClient per resolution, and a hit needs none.
        ImmichClient Immich() => context.RequestServices.GetRequiredService<ImmichClient>();
        if (await access.HasAsync(request.User, request.Asset))
        {
            if (await images.GetAsync(request.Key) is { } cached && Current(cached, request))
            {
                return new Image(cached, Hit: true);
            }
            // Every user who may see the asset can share this fetch; whatever is not an image stays the fetcher's.
            // It runs in the first requester's request, so Immich sees that requester's key and X-Forwarded-* only.
            var shared = await CoalesceAsync($"fill|{request.Key}|{request.Version}", async () =>
            {
                if (CachedLocally(request) is { } justStored)
                {
                    return (justStored, justStored); // another flight stored it while we were getting here
                }
                var (image, own) = await FetchAsync(request, null, null, Immich());
                return (image is Image ? image : NotShared.Instance, own);
            }, shareFailure: false, cancel);
            if (shared is not NotShared)
            {
                return shared;
            }
        }

        var entry = await images.GetAsync(request.Key);
        var revalidate = entry is not null && Current(entry, request) ? entry : null;
        var conditional = revalidate is null ? ConditionalHeaders(context.Request) : null;
        var flight = $"user|{request.User}|{request.Key}|{request.Version}|{conditional?.IfNoneMatch}|{conditional?.IfModifiedSince}";
        var outcome = await CoalesceAsync(flight, () =>
            access.HasLocal(request.User, request.Asset) && CachedLocally(request) is { } justStored
                ? Task.FromResult<(Outcome, Outcome)>((justStored, justStored)) // a flight of ours just finished
                : FetchAsync(request, revalidate, conditional, Immich()), shareFailure: true, cancel);
        if (outcome is NotShared)
        {
            // The answer could not be shared (an image too large to cache): ask for our own.
            outcome = (await FetchAsync(request, revalidate, conditional, Immich())).Own;
        }
        return outcome;
    }

    /// <summary>What is asked for and by whom; null when the cache does not answer this request.</summary>
    private ThumbnailRequest? Describe(Guid asset, HttpContext context) =>
        TryReadQuery(context.Request.Query, out var size, out var edited, out var version) &&
        GatewayCaller.From(context.User) is { } caller && users.Current.ImmichKeyFor(caller.User) is { } immichKey
            ? new ThumbnailRequest(asset, size, edited, version, CacheKeys.UserHash(immichKey), CacheKeys.Image(asset, size, edited))
            : null;

    private Image? CachedLocally(ThumbnailRequest request) =>
        images.TryGetLocal(request.Key, out var entry) && Current(entry!, request) ? new Image(entry!, Hit: true) : null;

    private static bool Current(ThumbnailEntry entry, ThumbnailRequest request) =>
        request.Version is null || request.Version == entry.Version;

    /// <summary>
    /// One GET to Immich with the caller's key. <paramref name="revalidate"/>: the cached image, whose ETag is sent so
    /// a 304 proves access cheaply. <paramref name="conditional"/>: the client's own conditional headers (nothing cached).
    /// </summary>
    private async Task<(Outcome Shared, Outcome Own)> FetchAsync(ThumbnailRequest request, ThumbnailEntry? revalidate,
        Conditional? conditional, ImmichClient immich)
    {
        var query = $"?size={(request.Size == ThumbnailSize.Preview ? "preview" : "thumbnail")}{(request.Edited ? "&edited=true" : "")}";
        using var message = new HttpRequestMessage(HttpMethod.Get, $"api/assets/{request.Asset}/thumbnail{query}");
        if (revalidate?.ETag is { } etag)
        {
            message.Headers.TryAddWithoutValidation("If-None-Match", etag);
        }
        else if (conditional is not null)
        {
            if (conditional.IfNoneMatch is { } ifNoneMatch)
            {
                message.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
            }
            if (conditional.IfModifiedSince is { } ifModifiedSince)
            {
                message.Headers.TryAddWithoutValidation("If-Modified-Since", ifModifiedSince);
            }
        }

        // Not the client's token: a client that gives up (a scrolling grid) must not cancel the fetch others wait for.
        // Bounded all the same, body included (the resilience pipeline's timeouts end with the headers); running out
        // of time is Immich's slowness (504), not a cancellation.
        using var timeout = new CancellationTokenSource(FetchTimeout, time);
        var revocations = access.RevocationStamp(request.Asset); // before Immich is asked: see FetchCoreAsync
        try
        {
            return await FetchCoreAsync(request, revalidate, message, immich, revocations, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutRejectedException($"Immich did not send the image within {FetchTimeout.TotalSeconds:0} s.", FetchTimeout);
        }
    }

    /// <summary>
    /// Immich's answer, and what it teaches the cache: an access record and the image. Neither is recorded when the
    /// asset was evicted or every record revoked since <paramref name="revocations"/> was read (before Immich was asked): Immich
    /// may have answered before the write that caused it, and storing now would undo it. This request is still
    /// answered, as Immich answered it.
    /// </summary>
    private async Task<(Outcome Shared, Outcome Own)> FetchCoreAsync(ThumbnailRequest request, ThumbnailEntry? revalidate,
        HttpRequestMessage message, ImmichClient immich, (long, long) revocations, CancellationToken timeout)
    {
        var response = await immich.SendAsync(message, timeout);
        var status = (int)response.StatusCode;
        void Grant()
        {
            if (access.RevocationStamp(request.Asset) == revocations)
            {
                access.Grant(request.User, request.Asset);
            }
        }
        if (status == StatusCodes.Status304NotModified)
        {
            Grant(); // Immich checks access before it compares ETags
            if (revalidate is not null)
            {
                response.Dispose();
                var image = new Image(revalidate, Hit: false);
                return (image, image);
            }
            var notModified = new Answer(await BufferedAsync(response));
            return (notModified, notModified);
        }
        string? reason = null;
        if (status == StatusCodes.Status200OK && Cacheable(response, out reason))
        {
            var body = await ReadCappedAsync(response, timeout);
            if (body is not null)
            {
                var entry = EntryFrom(response, body, request.Version);
                response.Dispose();
                if (access.RevocationStamp(request.Asset) == revocations)
                {
                    images.Set(request.Key, entry);
                    access.Grant(request.User, request.Asset);
                }
                var image = new Image(entry, Hit: false);
                return (image, image);
            }
            response.Dispose();
            throw new HttpRequestException("Immich's image was shorter or longer than its Content-Length.");
        }
        if (response.IsSuccessStatusCode)
        {
            CachingLog.NotCached(logger, request.Size.ToString(), request.Asset, reason ?? $"status {status}");
            images.MarkNotStorable(request.Key);
            if (IsImage(response))
            {
                Grant(); // an image too large or without a length: Immich did serve it to this user
            }
            return (NotShared.Instance, new Uncached(response));
        }

        if (status is StatusCodes.Status400BadRequest or StatusCodes.Status403Forbidden or StatusCodes.Status404NotFound)
        {
            await access.RevokeAsync(request.User, request.Asset); // Immich no longer lets this user see it
        }
        var answer = new Answer(await BufferedAsync(response));
        return (NotShared.Instance, answer);
    }

    /// <summary>A 200 that is not an image (a sign-in page of something in front of Immich) is not Immich serving the asset.</summary>
    private static bool IsImage(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType?.StartsWith("image/", StringComparison.OrdinalIgnoreCase) == true;

    private bool Cacheable(HttpResponseMessage response, out string? reason)
    {
        var contentType = response.Content.Headers.ContentType?.MediaType;
        reason = !IsImage(response) ? $"content type {contentType ?? "(none)"}"
            : response.Content.Headers.ContentLength is not { } length ? "no Content-Length"
            : length > _options.MaxEntryBytes ? "larger than Caching:MaxEntryBytes"
            : null;
        return reason is null;
    }

    /// <summary>The body (its length is known and within the cap), or null when it turned out to differ from its Content-Length.</summary>
    private static async Task<byte[]?> ReadCappedAsync(HttpResponseMessage response, CancellationToken cancel)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancel);
        return body.Length == response.Content.Headers.ContentLength ? body : null;
    }

    private static ThumbnailEntry EntryFrom(HttpResponseMessage response, byte[] body, string? version)
    {
        var headers = response.Headers;
        var content = response.Content.Headers;
        return new ThumbnailEntry(body,
            content.ContentType!.ToString(),
            headers.NonValidated.TryGetValues("ETag", out var etag) ? etag.ToString() : null,
            content.LastModified,
            headers.NonValidated.TryGetValues("Cache-Control", out var cacheControl) ? cacheControl.ToString() : null,
            content.NonValidated.TryGetValues("Content-Disposition", out var disposition) ? disposition.ToString() : null,
            version);
    }

    /// <summary>
    /// Immich's answer to a thumbnail request the cache does not store, for a client that asked for
    /// <paramref name="format"/>: never silently another format. Anything but a 200 (errors, redirects, 304s) and an
    /// image already in that format pass through unchanged and unbuffered. Another image is read into memory only up to
    /// <see cref="CachingOptions.MaxConversionBytes"/> and converted (not stored: <c>X-Cache: miss</c>); a larger one,
    /// or an answer that is no image, is a 406 problem naming the reason.
    /// </summary>
    public async Task<IResult> InFormatAsync(HttpResponseMessage response, Guid asset, ImageFormat format, CancellationToken cancel)
    {
        var contentType = response.Content.Headers.ContentType?.MediaType;
        if (response.StatusCode != System.Net.HttpStatusCode.OK || (contentType is not null && format.Matches(contentType)))
        {
            return new ImmichPassThrough(response);
        }
        using (response)
        {
            var limit = _options.MaxConversionBytes;
            var length = response.Content.Headers.ContentLength;
            if (contentType is null || !contentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
            {
                return NotConverted(asset, format,
                    $"Immich answered {contentType ?? "without a content type"}, not an image, so it cannot be converted to {format.Name}. Ask without format= for Immich's answer.");
            }
            if (length > limit ||
                await BoundedBody.ReadAtMostAsync(await response.Content.ReadAsStreamAsync(cancel), length, limit, cancel) is not { } body)
            {
                return NotConverted(asset, format,
                    $"Immich's {contentType} is larger than {CachingOptions.SectionName}:{nameof(CachingOptions.MaxConversionBytes)} ({limit} bytes), " +
                    $"the largest image the gateway converts without caching it. Ask without format= for Immich's {contentType}.");
            }
            var native = EntryFrom(response, body, version: null);
            try
            {
                return new CachedImageResult(native.ConvertedTo(format, converter.Convert(body, format)), hit: false, metrics);
            }
            catch (Exception ex) when (ex is NetVips.VipsException or ArgumentException or TypeInitializationException or DllNotFoundException)
            {
                CachingLog.ConversionFailed(logger, asset, format.Name, ex.Message);
                return NotConvertible(asset, format, contentType);
            }
        }
    }

    /// <summary>An image libvips could not read (or no libvips on this platform): the asked format cannot be given.</summary>
    private IResult NotConvertible(Guid asset, ImageFormat format, string contentType) =>
        NotConverted(asset, format,
            $"Immich's {contentType} could not be converted to {format.Name} (see the gateway's log). Ask without format= for Immich's {contentType}.");

    private IResult NotConverted(Guid asset, ImageFormat format, string detail)
    {
        CachingLog.NotConverted(logger, asset, format.Name, detail);
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status406NotAcceptable, title: "Format not available");
    }

    private static async Task<IResult> BufferedAsync(HttpResponseMessage response) =>
        (await ImmichException.FromResponseAsync(response, CancellationToken.None)).ToResult();

    /// <summary>
    /// The converted image (an <see cref="Image"/>), from the cache or converted once (concurrent requests wait for the
    /// same conversion); <see cref="Unconvertible"/> when libvips cannot convert it.
    /// </summary>
    private async Task<Outcome> ConvertAsync(ThumbnailRequest request, ThumbnailEntry native, ImageFormat format)
    {
        var key = CacheKeys.Image(request.Asset, request.Size, request.Edited, format);
        var expectedETag = native.ConvertedTo(format, []).ETag;
        if (await images.GetAsync(key) is { } cached && cached.ETag == expectedETag && expectedETag is not null)
        {
            return new Image(cached, Hit: true);
        }
        if (images.IsUnconvertible(key, native.ETag))
        {
            return Unconvertible.Instance; // tried moments ago, and the warning logged then
        }
        var outcome = await CoalesceAsync("convert|" + key, () =>
        {
            try
            {
                var converted = native.ConvertedTo(format, converter.Convert(native.Body, format));
                images.Set(key, converted);
                Outcome image = new Image(converted, Hit: false);
                return Task.FromResult((image, image));
            }
            catch (Exception ex) when (ex is NetVips.VipsException or ArgumentException or TypeInitializationException or DllNotFoundException)
            {
                CachingLog.ConversionFailed(logger, request.Asset, format.Name, ex.Message);
                images.MarkUnconvertible(key, native.ETag);
                Outcome failed = Unconvertible.Instance;
                return Task.FromResult((failed, failed));
            }
        }, shareFailure: true, CancellationToken.None);
        return outcome;
    }

    /// <summary>
    /// Runs <paramref name="fetch"/> once for everyone who asks with the same <paramref name="key"/> meanwhile: the
    /// first caller gets its own outcome, the others the shared one (<see cref="NotShared"/>: fetch for yourselves).
    /// </summary>
    private async Task<Outcome> CoalesceAsync(string key, Func<Task<(Outcome Shared, Outcome Own)>> fetch, bool shareFailure, CancellationToken cancel)
    {
        var flight = new TaskCompletionSource<Outcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = _inFlight.GetOrAdd(key, flight.Task);
        if (running != flight.Task)
        {
            return await running.WaitAsync(cancel);
        }
        try
        {
            var (shared, own) = await fetch();
            flight.SetResult(shared);
            return own;
        }
        catch (Exception ex)
        {
            if (shareFailure)
            {
                flight.SetException(ex);
                _ = flight.Task.Exception; // observed: the waiters rethrow it
            }
            else
            {
                flight.SetResult(NotShared.Instance);
            }
            throw;
        }
        finally
        {
            _inFlight.TryRemove(KeyValuePair.Create(key, running));
        }
    }

    private static bool TryReadQuery(IQueryCollection query, out ThumbnailSize size, out bool edited, out string? version)
    {
        size = ThumbnailSize.Thumbnail;
        edited = false;
        version = null;
        foreach (var (name, values) in query)
        {
            if (!Understood.Contains(name) || values.Count != 1 || (string.IsNullOrEmpty(values[0]) && name != "c"))
            {
                return false; // an empty size or edited is Immich's to judge (its validation, not the default)
            }
        }
        switch (query["size"].ToString())
        {
            case "" or "thumbnail":
                break;
            case "preview":
                size = ThumbnailSize.Preview;
                break;
            default:
                return false; // fullsize and original redirect; anything else is Immich's 400
        }
        switch (query["edited"].ToString())
        {
            case "" or "false":
                break;
            case "true":
                edited = true;
                break;
            default:
                return false;
        }
        version = query["c"] is { Count: 1 } c && c[0] is { Length: > 0 and <= 128 } value ? value : null;
        return true;
    }

    /// <summary>A 304 or a range may be the answer: what a cached image gives by itself, and Immich's whole 200 does not.</summary>
    private static bool AsksForLess(HttpRequest request) =>
        request.Headers.IfNoneMatch.Count > 0 || request.Headers.IfModifiedSince.Count > 0 || request.Headers.Range.Count > 0;

    private static Conditional? ConditionalHeaders(HttpRequest request)
    {
        var ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        var ifModifiedSince = request.Headers.IfModifiedSince.ToString();
        return ifNoneMatch.Length == 0 && ifModifiedSince.Length == 0
            ? null
            : new Conditional(ifNoneMatch.Length > 0 ? ifNoneMatch : null, ifModifiedSince.Length > 0 ? ifModifiedSince : null);
    }

    private sealed record ThumbnailRequest(Guid Asset, ThumbnailSize Size, bool Edited, string? Version, string User, string Key);

    private sealed record Conditional(string? IfNoneMatch, string? IfModifiedSince);

    private abstract record Outcome;

    /// <summary>The image (from the cache when <paramref name="Hit"/>: no call to Immich was made).</summary>
    private sealed record Image(ThumbnailEntry Entry, bool Hit) : Outcome;

    /// <summary>Immich's answer for this user, passed through.</summary>
    private sealed record Answer(IResult Result) : Outcome;

    /// <summary>Immich's 200 for this user that the cache does not store (not an image, no Content-Length, too large).</summary>
    private sealed record Uncached(HttpResponseMessage Response) : Outcome;

    private sealed record NotShared : Outcome
    {
        public static readonly NotShared Instance = new();
    }

    /// <summary>libvips could not read the image (or is missing on this platform): the asked format cannot be given.</summary>
    private sealed record Unconvertible : Outcome
    {
        public static readonly Unconvertible Instance = new();
    }
}
