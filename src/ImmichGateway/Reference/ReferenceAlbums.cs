using System.Text.Json;
using ImmichGateway.Audit;
using ImmichGateway.Caching;
using ImmichGateway.Immich;
using static ImmichGateway.Reference.ReferenceForwarding;

namespace ImmichGateway.Reference;

internal static class ReferenceAlbums
{
    /// <summary>Page size for album assets: Immich's maximum, so 5,000 assets cost 5 calls.</summary>
    public const int PageSize = 1000;

    /// <summary>At most a million assets per album.</summary>
    public const int MaxPages = 1000;

    /// <summary>
    /// Immich's album JSON unchanged, plus <c>owner</c> (the owner entry of <c>albumUsers</c>), its id as <c>ownerId</c>, and <c>assets</c> (every
    /// asset, paged from POST /api/search/metadata and sent page by page as it comes, so memory stays bounded and the
    /// client sees the first assets while later pages are still asked for). Immich's errors on the album or the first
    /// page go back as Immich sent them. A later page failing cannot change the status any more: the response is cut
    /// (no closing bracket, no final chunk), so no client takes a partial list for the whole album.
    /// </summary>
    public static async Task GetWithAssetsAsync(Guid id, bool? withoutAssets, ImmichClient immich, HttpContext context, ILogger<AlbumListing> logger)
    {
        var cancel = context.RequestAborted;
        using var album = await immich.GetJsonAsync($"api/albums/{id}", cancel);
        var root = album.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ImmichUnreadableAnswerException($"GET /api/albums/{id}", "not a JSON object");
        }
        var order = root.TryGetProperty("order", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;

        // Everything that can fail with Immich's own error happens before the first byte is written.
        var page = withoutAssets == true ? null : await SearchPageAsync(immich, id, 1, order, cancel);

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            page?.Document.Dispose();
            return; // the status and headers are settled: no need to page through an album only to drop its body
        }
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name is not ("owner" or "ownerId" or "assets"))
            {
                property.WriteTo(writer);
            }
        }
        var owner = FindOwner(root);
        if (owner is { } found && found.TryGetProperty("id", out var ownerId) && ownerId.ValueKind == JsonValueKind.String)
        {
            writer.WriteString("ownerId", ownerId.GetString());
        }
        else
        {
            writer.WriteNull("ownerId");
        }
        writer.WritePropertyName("owner");
        if (owner is { } user)
        {
            user.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }

        if (page is not null)
        {
            writer.WriteStartArray("assets");
            var written = 0;
            try
            {
                for (var current = 1; page is not null; current++)
                {
                    int next;
                    using (page.Document)
                    {
                        foreach (var item in page.Items.EnumerateArray())
                        {
                            item.WriteTo(writer);
                            written++;
                        }
                        next = page.NextPage;
                    }
                    await writer.FlushAsync(cancel); // into the response pipe …
                    await context.Response.BodyWriter.FlushAsync(cancel); // … and out to the client
                    // Follow nextPage only forward and only so far, whatever Immich says: no endless loop.
                    page = next > current && next <= MaxPages ? await SearchPageAsync(immich, id, next, order, cancel) : null;
                    current = next - 1;
                }
            }
            catch (Exception error) when (!cancel.IsCancellationRequested)
            {
                AlbumListing.Cut(logger, id, written, error.Message);
                AnswerCut.Abort(context);
                return;
            }
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
        await writer.FlushAsync(cancel);
    }

    /// <summary>One page of an album's assets, read from Immich's search answer; its document is the caller's to dispose.</summary>
    private sealed record AssetPage(JsonDocument Document, JsonElement Items, int NextPage);

    private static async Task<AssetPage> SearchPageAsync(ImmichClient immich, Guid albumId, int page, string? order, CancellationToken cancel)
    {
        var document = await immich.SendJsonAsync(HttpMethod.Post, "api/search/metadata",
            new { albumIds = new[] { albumId }, page, size = PageSize, order, withExif = true }, cancel);
        if (document.RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("assets", out var assets) &&
            assets.ValueKind == JsonValueKind.Object && assets.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array)
        {
            var next = assets.TryGetProperty("nextPage", out var n) && n.ValueKind == JsonValueKind.String && int.TryParse(n.GetString(), out var number) ? number : 0;
            return new AssetPage(document, items, next);
        }
        document.Dispose();
        throw new ImmichUnreadableAnswerException("POST /api/search/metadata", "no assets.items list");
    }

    public static Task<IResult> UpdateAsync(Guid id, HttpRequest request, ImmichClient immich) =>
        ForwardJsonObjectAsync(immich, HttpMethod.Patch, $"api/albums/{id}", request);

    /// <summary>
    /// The album's cover: its <c>albumThumbnailAssetId</c>'s thumbnail, served as the reference thumbnail route serves
    /// it (<see cref="ReferenceAssets.ServeThumbnailAsync"/>, so from the cache when it can answer). The album is read
    /// with the caller's key on every request and never cached: it is what shows that the caller may see the album and
    /// which asset is its cover (Immich's refusal goes back as Immich sent it). It proves nothing about the thumbnail:
    /// the cache's own access rules still decide whether Immich is asked for it with the caller's key.
    /// </summary>
    public static async Task<IResult> GetCoverAsync(Guid id, string? format, HttpRequest request, ImmichClient immich, ThumbnailCache cache)
    {
        if (!ReferenceAssets.TryReadFormat(format, out var imageFormat, out var error))
        {
            return error;
        }
        Guid? cover;
        using (var album = await immich.GetJsonAsync($"api/albums/{id}", request.HttpContext.RequestAborted))
        {
            cover = album.RootElement.TryGetProperty("albumThumbnailAssetId", out var c) && c.ValueKind == JsonValueKind.String &&
                Guid.TryParse(c.GetString(), out var asset) ? asset : null;
        }
        if (cover is not { } coverAsset)
        {
            return TypedResults.Problem("This album has no cover image.", statusCode: StatusCodes.Status404NotFound, title: "No cover image");
        }
        var response = request.HttpContext.Response;
        var thumbnail = $"{request.PathBase}/api/assets/{coverAsset}/thumbnail";
        response.OnStarting(() =>
        {
            ResolveRedirectAgainst(thumbnail, response);
            if (response.StatusCode is StatusCodes.Status200OK or StatusCodes.Status206PartialContent or StatusCodes.Status304NotModified)
            {
                // The thumbnail's own URL always names one image (Immich lets clients keep it for a day); this URL names
                // whatever the album's cover is now, so the client asks again each time (the ETag makes that a 304).
                response.Headers.CacheControl = "private, no-cache";
            }
            return Task.CompletedTask;
        });
        return await ReferenceAssets.ServeThumbnailAsync(coverAsset, imageFormat, request, cache);
    }

    /// <summary>
    /// Immich's thumbnail redirects are relative to the thumbnail's URL (<c>size=fullsize</c> → <c>original?…</c>, a
    /// missing fullsize → <c>?size=preview</c>); sent from the cover route they would resolve against the album's path.
    /// They become absolute paths to the asset's own routes; absolute locations are left as they are.
    /// </summary>
    internal static void ResolveRedirectAgainst(string thumbnailPath, HttpResponse response)
    {
        var location = response.Headers.Location.ToString();
        if (response.StatusCode is >= 300 and < 400 && location.Length > 0 && location[0] != '/' &&
            !Uri.TryCreate(location, UriKind.Absolute, out _))
        {
            response.Headers.Location = new Uri(new Uri(RelativeBase, thumbnailPath), location).PathAndQuery;
        }
    }

    /// <summary>Only a base for resolving a relative reference against a path; never sent anywhere.</summary>
    private static readonly Uri RelativeBase = new("http://gateway.invalid/");

    public static async Task<IResult> SetCoverAsync(Guid id, HttpRequest request, ImmichClient immich)
    {
        var (body, error) = await ReadJsonAsync<SetCoverImageRequest>(request);
        if (error is not null || body?.AssetId is not { } assetId)
        {
            return error ?? BadRequest("Send {\"assetId\": \"<asset uuid>\"}.");
        }
        return await ForwardAsync(immich, HttpMethod.Patch, $"api/albums/{id}", Json(new { albumThumbnailAssetId = assetId }), request.HttpContext.RequestAborted);
    }

    private static JsonElement? FindOwner(JsonElement album)
    {
        if (album.TryGetProperty("albumUsers", out var users) && users.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in users.EnumerateArray())
            {
                if (entry.TryGetProperty("role", out var role) && role.GetString() == "owner" && entry.TryGetProperty("user", out var user))
                {
                    return user;
                }
            }
        }
        return null;
    }
}

/// <summary>The log category of the reference album listing (<see cref="ReferenceAlbums.GetWithAssetsAsync"/>).</summary>
internal sealed partial class AlbumListing
{
    [LoggerMessage(1301, LogLevel.Warning, "The asset list of album {Album} was cut after {Written} assets: Immich failed on a later page ({Error})")]
    public static partial void Cut(ILogger logger, Guid album, int written, string error);
}
