using System.Text.Json;
using ImmichGateway.Caching;
using ImmichGateway.Immich;
using static ImmichGateway.Reference.ReferenceForwarding;

namespace ImmichGateway.Reference;

/// <summary>Server info, libraries, search, shared links and downloads.</summary>
internal static class ReferenceMisc
{
    public static Task<IResult> ForwardGetAsync(string path, HttpContext context, ImmichClient immich) =>
        ForwardAsync(immich, HttpMethod.Get, path, null, context.RequestAborted,
            configure: message => CopyConditionalHeaders(context.Request, message));

    /// <summary>GET /api/server/statistics, from the cache for admins (<see cref="ServerInfoCache"/>); others get Immich's answer.</summary>
    public static Task<IResult> StatisticsAsync(HttpContext context, ServerInfoCache cache) => cache.StatisticsAsync(context);

    /// <summary>Immich v3 removes offline files during every library scan; the reference route starts one.</summary>
    public static async Task<IResult> RemoveOfflineAsync(Guid id, HttpContext context, ImmichClient immich)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/libraries/{id}/scan") { Content = Json(new { }) };
        using var response = await immich.SendAsync(request, context.RequestAborted);
        if (!response.IsSuccessStatusCode)
        {
            throw await ImmichException.FromResponseAsync(response, context.RequestAborted);
        }
        return TypedResults.Accepted((string?)null, new RemoveOfflineResponse(true,
            "Immich v3 has no separate 'remove offline files' operation: it removes offline files during library scans. A scan of this library was started."));
    }

    public static Task<IResult> SearchAssetsAsync(HttpRequest request, ImmichClient immich) =>
        ForwardJsonObjectAsync(immich, HttpMethod.Post, "api/search/metadata", request);

    public static Task<IResult> UpdateSharedLinkAsync(Guid id, HttpRequest request, ImmichClient immich) =>
        ForwardJsonObjectAsync(immich, HttpMethod.Patch, $"api/shared-links/{id}", request);

    /// <summary>GET with <c>assetIds</c> (repeated or comma-separated), <c>albumId</c>, <c>userId</c>, <c>archiveSize</c>: POST /api/download/info.</summary>
    public static Task<IResult> DownloadInfoAsync(HttpRequest request, ImmichClient immich) =>
        DownloadBody(request, out var body, out var error)
            ? ForwardAsync(immich, HttpMethod.Post, "api/download/info", Json(body), request.HttpContext.RequestAborted,
                mapStatus: status => status == StatusCodes.Status201Created ? StatusCodes.Status200OK : status) // a GET answers 200
            : Task.FromResult(BadRequest(error));

    /// <summary>GET with <c>assetIds</c>: POST /api/download/archive, the zip streamed back.</summary>
    public static async Task<IResult> DownloadArchiveAsync(HttpRequest request, ImmichClient immich)
    {
        if (!DownloadBody(request, out var body, out var error) || body is not { } || !body.ContainsKey("assetIds"))
        {
            return BadRequest(error.Length > 0 ? error : "assetIds is required.");
        }
        if (body.ContainsKey("albumId") || body.ContainsKey("userId"))
        {
            // Immich's archive takes asset ids only; dropping the others would give a zip without what they named.
            return BadRequest("The archive takes assetIds only: GET /api/download/info?albumId= (or userId=) lists the ids to ask for.");
        }
        return await ForwardAsync(immich, HttpMethod.Post, "api/download/archive", Json(new { assetIds = body["assetIds"] }),
            request.HttpContext.RequestAborted,
            successHeaders: new Dictionary<string, string> { ["Content-Disposition"] = "attachment; filename=\"immich-download.zip\"" });
    }

    private static bool DownloadBody(HttpRequest request, out Dictionary<string, object> body, out string error)
    {
        body = [];
        error = "";
        var ids = request.Query["assetIds"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (ids.Any(id => !ImmichUuid.IsValid(id)))
        {
            error = "assetIds must be asset UUIDs, repeated or comma-separated.";
            return false;
        }
        if (ids.Count > 0)
        {
            body["assetIds"] = ids;
        }
        foreach (var name in new[] { "albumId", "userId" })
        {
            if (request.Query.TryGetValue(name, out var value))
            {
                if (!ImmichUuid.TryParse(value, out var id))
                {
                    error = $"{name} must be a UUID.";
                    return false;
                }
                body[name] = id;
            }
        }
        if (request.Query.TryGetValue("archiveSize", out var size))
        {
            if (!long.TryParse(size, out var bytes) || bytes < 1)
            {
                error = "archiveSize must be a positive number of bytes.";
                return false;
            }
            body["archiveSize"] = bytes;
        }
        if (body.Count == 0)
        {
            error = "Say what to download: assetIds, albumId or userId.";
            return false;
        }
        return true;
    }
}
