using System.Text.Json;
using ImmichGateway.Immich;

namespace ImmichGateway.Reference;

/// <summary>
/// <c>GET /api/search/metadata</c> in the reference: what POST /api/search/metadata can filter on (Immich's
/// MetadataSearchDto), with the known values of the enumerable fields from GET /api/search/suggestions.
/// </summary>
internal static class ReferenceSearchFields
{
    private static readonly SearchableField[] Fields =
    [
        new("albumIds", "array of uuid", "Filter by album IDs"),
        new("checksum", "string", "Filter by file checksum"),
        new("city", "string", "Filter by city name"),
        new("country", "string", "Filter by country name"),
        new("createdAfter", "string (date-time)", "Filter by creation date (after)"),
        new("createdBefore", "string (date-time)", "Filter by creation date (before)"),
        new("description", "string", "Filter by description text"),
        new("id", "string (uuid)", "Filter by asset ID"),
        new("isEncoded", "boolean", "Filter by encoded status"),
        new("isFavorite", "boolean", "Filter by favorite status"),
        new("isMotion", "boolean", "Filter by motion photo status"),
        new("isNotInAlbum", "boolean", "Filter assets not in any album"),
        new("isOffline", "boolean", "Filter by offline status"),
        new("lensModel", "string", "Filter by lens model"),
        new("libraryId", "string (uuid)", "Library ID to filter by"),
        new("make", "string", "Filter by camera make"),
        new("model", "string", "Filter by camera model"),
        new("ocr", "string", "Filter by OCR text content"),
        new("order", "asc | desc", "Sort order"),
        new("originalFileName", "string", "Filter by original file name"),
        new("originalPath", "string", "Filter by original file path"),
        new("page", "integer", "Page number"),
        new("personIds", "array of uuid", "Filter by person IDs"),
        new("rating", "integer", "Filter by rating [1-5], or null for unrated"),
        new("size", "integer (1-1000)", "Number of results to return"),
        new("state", "string", "Filter by state/province name"),
        new("tagIds", "array of uuid", "Filter by tag IDs"),
        new("takenAfter", "string (date-time)", "Filter by taken date (after)"),
        new("takenBefore", "string (date-time)", "Filter by taken date (before)"),
        new("trashedAfter", "string (date-time)", "Filter by trash date (after)"),
        new("trashedBefore", "string (date-time)", "Filter by trash date (before)"),
        new("type", "IMAGE | VIDEO | AUDIO | OTHER", "Filter by asset type"),
        new("updatedAfter", "string (date-time)", "Filter by update date (after)"),
        new("updatedBefore", "string (date-time)", "Filter by update date (before)"),
        new("visibility", "archive | timeline | hidden | locked", "Filter by visibility"),
        new("withDeleted", "boolean", "Include deleted assets"),
        new("withExif", "boolean", "Include EXIF data in response"),
        new("withPeople", "boolean", "Include people data in response"),
        new("withStacked", "boolean", "Include stacked assets"),
    ];

    /// <summary>Suggestion type (Immich's) for each enumerable field.</summary>
    public static readonly IReadOnlyDictionary<string, string> SuggestionTypes = new Dictionary<string, string>
    {
        ["country"] = "country",
        ["state"] = "state",
        ["city"] = "city",
        ["make"] = "camera-make",
        ["model"] = "camera-model",
        ["lensModel"] = "camera-lens-model",
    };

    /// <summary>All suggestion calls run at once; one that fails leaves its field without values and says so.</summary>
    public static async Task<IResult> GetAsync(HttpContext context, ImmichClient immich)
    {
        var lookups = SuggestionTypes.ToDictionary(s => s.Key, s => SuggestAsync(immich, s.Value, context.RequestAborted));
        await Task.WhenAll(lookups.Values);
        var unavailable = lookups.Where(l => l.Value.Result is null).Select(l => l.Key).ToList();
        var fields = Fields.Select(f => lookups.TryGetValue(f.Name, out var values) && values.Result is { } known ? f with { Values = known } : f).ToList();
        return TypedResults.Ok(new SearchableFieldsResponse(fields, unavailable));
    }

    private static async Task<IReadOnlyList<string?>?> SuggestAsync(ImmichClient immich, string type, CancellationToken cancel)
    {
        try
        {
            using var values = await immich.GetJsonAsync($"api/search/suggestions?type={type}", cancel);
            return values.RootElement.ValueKind == JsonValueKind.Array
                ? values.RootElement.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : null).ToList()
                : null;
        }
        catch (Exception ex) when (ex is ImmichException or JsonException)
        {
            return null; // e.g. the user's Immich key lacks the permission: the field is listed without values
        }
    }
}
