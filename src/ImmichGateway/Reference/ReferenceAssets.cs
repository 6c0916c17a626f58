using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using ImmichGateway.Caching;
using ImmichGateway.Immich;
using ImmichGateway.Scopes;
using Microsoft.AspNetCore.Http.Extensions;
using static ImmichGateway.Reference.ReferenceForwarding;

namespace ImmichGateway.Reference;

internal static class ReferenceAssets
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    private static readonly string[] BooleanFilters = ["isFavorite", "isTrashed", "isArchived", "isOffline", "isMotion", "isEncoded", "isNotInAlbum", "withExif", "withDeleted", "withStacked"];
    private static readonly string[] DateFilters = ["takenAfter", "takenBefore", "createdAfter", "createdBefore", "updatedAfter", "updatedBefore", "trashedAfter", "trashedBefore"];
    private static readonly string[] TextFilters = ["city", "state", "country", "make", "model", "lensModel", "originalFileName", "description"];
    private static readonly Dictionary<string, string[]> EnumFilters = new()
    {
        ["visibility"] = ["archive", "timeline", "hidden", "locked"],
        ["type"] = ["IMAGE", "VIDEO", "AUDIO", "OTHER"],
        ["order"] = ["asc", "desc"],
    };

    /// <summary>Trashed assets have a trash date, and are only searched with <c>withDeleted</c>.</summary>
    private const string BeforeAnyTrash = "1970-01-01T00:00:00.0000000Z";

    /// <summary>
    /// <c>isTrashed</c> is no field of Immich v3's search (which ignores what it does not know, and leaves trashed assets
    /// out): <c>true</c> becomes <c>withDeleted</c> with a trash date from the epoch on (only trashed assets have one),
    /// <c>false</c> leaves trashed assets out, <c>withDeleted</c> notwithstanding.
    /// </summary>
    private static void TranslateIsTrashed(Dictionary<string, object> search)
    {
        if (!search.Remove("isTrashed", out var trashed))
        {
            return;
        }
        if ((bool)trashed)
        {
            search["withDeleted"] = true;
            search.TryAdd("trashedAfter", BeforeAnyTrash);
        }
        else
        {
            search["withDeleted"] = false;
            search.Remove("trashedAfter");
            search.Remove("trashedBefore");
        }
    }

    /// <summary>
    /// The reference's paged asset list: <c>page</c>, <c>size</c> and simple filters, answered by POST /api/search/metadata.
    /// The body is the page's assets; the next page is in a <c>Link: &lt;…&gt;; rel="next"</c> header.
    /// </summary>
    public static async Task<IResult> ListAsync(HttpRequest request, ImmichClient immich)
    {
        var query = request.Query;
        var search = new Dictionary<string, object>();
        if (!TryInt(query["page"], 1, int.MaxValue, 1, out var page))
        {
            return BadRequest("page must be a whole number of at least 1.");
        }
        if (!TryInt(query["size"], 1, MaxPageSize, DefaultPageSize, out var size))
        {
            return BadRequest($"size must be a whole number from 1 to {MaxPageSize}.");
        }
        search["page"] = page;
        search["size"] = size;

        foreach (var name in BooleanFilters.Where(n => query.ContainsKey(n)))
        {
            if (!bool.TryParse(query[name], out var value))
            {
                return BadRequest($"{name} must be true or false.");
            }
            search[name] = value;
        }
        foreach (var name in DateFilters.Where(n => query.ContainsKey(n)))
        {
            if (!DateTimeOffset.TryParse(query[name], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
            {
                return BadRequest($"{name} must be an ISO 8601 date-time, e.g. 2025-01-31T00:00:00Z.");
            }
            search[name] = value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
        }
        TranslateIsTrashed(search);
        if (search.Remove("isArchived", out var archived))
        {
            if (query.ContainsKey("visibility"))
            {
                return BadRequest("Give isArchived or visibility, not both.");
            }
            search["visibility"] = (bool)archived ? "archive" : "timeline";
        }
        foreach (var name in TextFilters.Where(n => query.ContainsKey(n)))
        {
            if (query[name].Count > 1)
            {
                // Immich matches one value; "a,b" (what a repeated parameter reads as) would match neither.
                return BadRequest($"{name} may be given once.");
            }
            search[name] = query[name].ToString();
        }
        if (query.ContainsKey("albumId"))
        {
            var albumIds = query["albumId"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            if (albumIds.Count == 0 || albumIds.Any(a => !ImmichUuid.IsValid(a)))
            {
                return BadRequest("albumId must be an album UUID.");
            }
            if (albumIds.Count > 1)
            {
                // Immich's search finds only the assets in every album it is given: not what a list of several albums means.
                return BadRequest("albumId may be given once: list one album's assets per request.");
            }
            search["albumIds"] = albumIds;
        }
        var scope = ClientScopes.Of(request.HttpContext);
        var requestedAlbums = search.TryGetValue("albumIds", out var requested) ? ((List<string>)requested).Select(Guid.Parse).ToList() : [];
        if (ClientScopes.NeedsAnAlbum(scope, requestedAlbums))
        {
            return BadRequest(ClientScopes.NameOneAlbum + " Add ?albumId=<album id>.");
        }
        if (ClientScopes.NarrowAlbums(scope, requestedAlbums) is { } narrowed)
        {
            // An album-scoped client lists only inside its albums.
            if (narrowed.Count == 0)
            {
                return TypedResults.Problem(ScopeRules.AlbumRefusal, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden by this client's limits");
            }
            search["albumIds"] = narrowed.Select(id => id.ToString()).ToList();
        }
        foreach (var (name, allowed) in EnumFilters.Where(f => query.ContainsKey(f.Key)))
        {
            var value = allowed.FirstOrDefault(a => string.Equals(a, query[name], StringComparison.OrdinalIgnoreCase));
            if (value is null)
            {
                return BadRequest($"{name} must be one of: {string.Join(", ", allowed)}.");
            }
            search[name] = value;
        }

        using var result = await immich.SendJsonAsync(HttpMethod.Post, "api/search/metadata", search, request.HttpContext.RequestAborted);
        if (result.RootElement is not { ValueKind: JsonValueKind.Object } root || !root.TryGetProperty("assets", out var assets) ||
            assets.ValueKind != JsonValueKind.Object || !assets.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            throw new ImmichUnreadableAnswerException("POST /api/search/metadata", "no assets.items list");
        }
        if (assets.TryGetProperty("nextPage", out var next) && next.ValueKind == JsonValueKind.String)
        {
            // The client's own query for the next page, but never a credential it put there (the link is echoed back).
            var rest = QueryWithout(request, "page");
            var link = $"{rest}{(rest.Length == 0 ? '?' : '&')}page={Uri.EscapeDataString(next.GetString()!)}";
            request.HttpContext.Response.Headers.Link = $"<{request.PathBase}{request.Path}{link}>; rel=\"next\"";
        }
        return TypedResults.Json(items.Clone());
    }

    public static Task<IResult> DeleteAsync(Guid id, bool? force, HttpContext context, ImmichClient immich) =>
        ForwardAsync(immich, HttpMethod.Delete, "api/assets", Json(new { ids = new[] { id }, force = force ?? false }), context.RequestAborted);

    /// <summary>
    /// The thumbnail (every thumbnail request of the gateway arrives here): see <see cref="ServeThumbnailAsync"/>;
    /// <c>?format=</c> other than jpeg or webp is a 400 problem.
    /// </summary>
    public static ValueTask<IResult> ThumbnailAsync(Guid id, string? format, HttpRequest request, ThumbnailCache cache) =>
        TryReadFormat(format, out var imageFormat, out var error)
            ? ServeThumbnailAsync(id, imageFormat, request, cache)
            : ValueTask.FromResult(error);

    /// <summary>The reference API's <c>?format=</c>: absent or one the cache converts to, else <paramref name="error"/> (a 400 problem).</summary>
    public static bool TryReadFormat(string? format, out ImageFormat? imageFormat, [NotNullWhen(false)] out IResult? error)
    {
        imageFormat = ImageFormat.FromName(format);
        error = format is null || imageFormat is not null ? null : BadRequest("format must be jpeg or webp.");
        return error is null;
    }

    /// <summary>
    /// An asset's thumbnail (an asset's own, or an album's cover once the album was read): from the cache when it can
    /// answer (<see cref="ThumbnailCache"/>: sizes thumbnail and preview, <c>edited</c>, <paramref name="format"/>
    /// converted), otherwise forwarded without <c>format</c> (not an Immich parameter), with conditional and range
    /// headers, so ETags, 304s and redirects behave as Immich's do. With <paramref name="format"/>, Immich's image is
    /// asked for whole (a range of its own bytes is no range of the converted image) and answered in that format
    /// (<see cref="ThumbnailCache.InFormatAsync"/>).
    /// </summary>
    public static ValueTask<IResult> ServeThumbnailAsync(Guid id, ImageFormat? format, HttpRequest request, ThumbnailCache cache) =>
        cache.TryServeFromMemory(id, format, request.HttpContext) is { } hit
            ? ValueTask.FromResult(hit) // most requests of a photo grid: nothing to wait for
            : new ValueTask<IResult>(ServeOrForwardThumbnailAsync(id, format, request, cache));

    private static async Task<IResult> ServeOrForwardThumbnailAsync(Guid id, ImageFormat? format, HttpRequest request, ThumbnailCache cache)
    {
        if (await cache.ServeAsync(id, format, request.HttpContext) is { } served)
        {
            return served;
        }
        var immich = request.HttpContext.RequestServices.GetRequiredService<ImmichClient>();
        var path = $"api/assets/{id}/thumbnail{QueryWithout(request, "format")}";
        var cancel = request.HttpContext.RequestAborted;
        if (format is null)
        {
            return await ForwardAsync(immich, HttpMethod.Get, path, null, cancel, configure: message => CopyConditionalHeaders(request, message));
        }
        using var whole = new HttpRequestMessage(HttpMethod.Get, path);
        CopyConditionalHeaders(request, whole);
        whole.Headers.Range = null;
        whole.Headers.Remove("If-Range");
        return await cache.InFormatAsync(await immich.SendAsync(whole, cancel), id, format, cancel);
    }

    public static Task<IResult> RestoreAsync(Guid id, HttpContext context, ImmichClient immich) =>
        ForwardAsync(immich, HttpMethod.Post, "api/trash/restore/assets", Json(new { ids = new[] { id } }), context.RequestAborted);

    /// <summary>
    /// The reference's asset update. Its <c>isArchived</c> is gone from Immich v3, which ignores it (the update then
    /// changes nothing): it becomes <c>visibility</c> (archive, or timeline for false) unless the body names a visibility
    /// itself. Any other body goes to Immich byte for byte.
    /// </summary>
    public static Task<IResult> UpdateAsync(Guid id, HttpRequest request, ImmichClient immich) =>
        ForwardJsonObjectAsync(immich, HttpMethod.Put, $"api/assets/{id}{QueryWithout(request)}", request, TranslateIsArchived);

    private static byte[] TranslateIsArchived(byte[] body)
    {
        using var document = JsonDocument.Parse(body); // the caller made sure it is a JSON object; a name given twice stays so
        var root = document.RootElement;
        var archived = root.EnumerateObject().LastOrDefault(p => p.NameEquals("isArchived")); // Immich reads the last one
        if (archived.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return body;
        }
        var output = new System.Buffers.ArrayBufferWriter<byte>(body.Length + 32);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            foreach (var property in root.EnumerateObject().Where(p => !p.NameEquals("isArchived")))
            {
                property.WriteTo(writer);
            }
            if (!root.TryGetProperty("visibility", out _))
            {
                writer.WriteString("visibility", archived.Value.ValueKind == JsonValueKind.True ? "archive" : "timeline");
            }
            writer.WriteEndObject();
        }
        return output.WrittenSpan.ToArray();
    }

    public static async Task<IResult> ArchiveAsync(Guid id, HttpRequest request, ImmichClient immich)
    {
        var (body, error) = await ReadJsonAsync<ArchiveRequest>(request);
        return error ?? await ForwardAsync(immich, HttpMethod.Put, $"api/assets/{id}",
            Json(new { visibility = body?.IsArchived == false ? "timeline" : "archive" }), request.HttpContext.RequestAborted);
    }

    public static async Task<IResult> FavoriteAsync(Guid id, HttpRequest request, ImmichClient immich)
    {
        var (body, error) = await ReadJsonAsync<FavoriteRequest>(request);
        return error ?? await ForwardAsync(immich, HttpMethod.Put, $"api/assets/{id}",
            Json(new { isFavorite = body?.IsFavorite ?? true }), request.HttpContext.RequestAborted);
    }

    private static bool TryInt(Microsoft.Extensions.Primitives.StringValues value, int min, int max, int fallback, out int result)
    {
        if (value.Count == 0)
        {
            result = fallback;
            return true;
        }
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result) && result >= min && result <= max;
    }
}
