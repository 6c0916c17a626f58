using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace ImmichGateway.Scopes;

/// <summary>The verdict on one request for one client scope.</summary>
internal readonly record struct ScopeDecision(string? Refusal, Guid? AssetToCheck = null)
{
    public static ScopeDecision Allow { get; } = new(null);

    public static ScopeDecision Refuse(string reason) => new(reason);

    public static ScopeDecision IfAssetInAlbums(Guid asset) => new(null, asset);
}

/// <summary>
/// Which requests a limited client may make. Pure rules on method and path, the same for proxied and gateway routes,
/// so they can be tested without a server and read in one place.
/// </summary>
internal static partial class ScopeRules
{
    public const string ReadOnlyRefusal = "This client key is read-only.";
    public const string AlbumRefusal = "This client key is limited to certain albums; this is outside them.";
    public const string RouteRefusal = "This client key may call only the routes configured for it.";

    /// <summary>The POSTs Immich uses for reading.</summary>
    public static bool IsReadingPost(string path) =>
        path.StartsWith("/api/search/", StringComparison.OrdinalIgnoreCase) ||
        path.StartsWith("/api/timeline/", StringComparison.OrdinalIgnoreCase) ||
        Trimmed(path).Equals("/api/download/info", StringComparison.OrdinalIgnoreCase) ||
        Trimmed(path).Equals("/api/download/archive", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A POST of socket.io's long-polling transport on an open session (<c>/api/socket.io/?EIO=4&amp;transport=polling&amp;sid=…</c>):
    /// how a browser that cannot use the WebSocket sends its frames. A read-only client may open the WebSocket (a GET
    /// upgrade, after which it sends frames anyway), so it may send the same frames by polling.
    /// </summary>
    public static bool IsSocketIoPollingPost(string method, string path, string? query)
    {
        if (!HttpMethods.IsPost(method) || !Trimmed(path).Equals("/api/socket.io", StringComparison.OrdinalIgnoreCase) || string.IsNullOrEmpty(query))
        {
            return false;
        }
        var parameters = QueryHelpers.ParseQuery(query);
        return parameters.TryGetValue("transport", out var transport) && transport is [ "polling" ] &&
               parameters.TryGetValue("sid", out var sid) && sid is [ { Length: > 0 } ];
    }

    public static ScopeDecision Evaluate(ClientScope scope, string method, string path, string? query = null)
    {
        var reads = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        if (scope.ReadOnly && !reads && !(HttpMethods.IsPost(method) && IsReadingPost(path)) && !IsSocketIoPollingPost(method, path, query))
        {
            return ScopeDecision.Refuse(ReadOnlyRefusal);
        }
        if (scope.Routes is { } routes && !routes.Any(r => r.Matches(method, path)))
        {
            return ScopeDecision.Refuse(RouteRefusal);
        }
        return scope.Albums is { } albums ? EvaluateAlbums(albums, method, Trimmed(path)) : ScopeDecision.Allow;
    }

    private static ScopeDecision EvaluateAlbums(IReadOnlySet<Guid> albums, string method, string path)
    {
        var reads = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        if (reads && (path.Equals("/api/albums", StringComparison.OrdinalIgnoreCase) ||
                      path.Equals("/bff/albums", StringComparison.OrdinalIgnoreCase) ||
                      path.Equals("/api/assets", StringComparison.OrdinalIgnoreCase)))
        {
            return ScopeDecision.Allow; // lists, narrowed to the client's albums
        }
        if (HttpMethods.IsPost(method) && path.Equals("/api/search/metadata", StringComparison.OrdinalIgnoreCase))
        {
            return ScopeDecision.Allow; // narrowed to the client's albums
        }
        if (reads && AlbumRoute().Match(path) is { Success: true } album)
        {
            return albums.Contains(Guid.Parse(album.Groups["id"].Value)) ? ScopeDecision.Allow : ScopeDecision.Refuse(AlbumRefusal);
        }
        if (reads && AssetRoute().Match(path) is { Success: true } asset)
        {
            return ScopeDecision.IfAssetInAlbums(Guid.Parse(asset.Groups["id"].Value));
        }
        return ScopeDecision.Refuse(AlbumRefusal);
    }

    private static string Trimmed(string path) => path.Length > 1 ? path.TrimEnd('/') : path;

    [GeneratedRegex(@"^/(api|bff)/albums/(?<id>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(/cover-image)?$", RegexOptions.IgnoreCase)]
    private static partial Regex AlbumRoute();

    [GeneratedRegex(@"^(/api/assets/(?<id>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(/thumbnail|/original|/video/playback|/video/stream(/[^/]+){1,3})?|/bff/assets/(?<id>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}))$", RegexOptions.IgnoreCase)]
    private static partial Regex AssetRoute();
}
