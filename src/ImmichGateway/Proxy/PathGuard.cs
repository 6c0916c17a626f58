using ImmichGateway.Errors;
using Microsoft.AspNetCore.Http.Features;

namespace ImmichGateway.Proxy;

/// <summary>
/// Refuses (400) request targets that a proxy and Immich could read differently: encoded slashes or backslashes,
/// dot segments (plain or encoded) and empty segments. What the gateway checks is then what Immich reads.
/// </summary>
internal static class PathGuard
{
    public static Task CheckAsync(HttpContext context, RequestDelegate next)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (!string.IsNullOrEmpty(raw) && raw[0] != '/')
        {
            raw = AbsoluteFormPath(raw); // http://host/path: the server has already resolved its dot segments
        }
        if (string.IsNullOrEmpty(raw))
        {
            raw = context.Request.PathBase + context.Request.Path;
        }
        var queryStart = raw.IndexOf('?');
        var path = queryStart < 0 ? raw.AsSpan() : raw.AsSpan(0, queryStart);
        return IsAmbiguous(path)
            ? context.WriteProblemAsync(StatusCodes.Status400BadRequest, "Ambiguous request path",
                "The path contains an encoded slash, a dot segment or an empty segment; send the plain path.").AsTask()
            : next(context);
    }

    /// <summary>The path and query of an absolute-form target (<c>http://host/path?query</c>); null for any other form.</summary>
    private static string? AbsoluteFormPath(string target)
    {
        var authority = target.IndexOf("://", StringComparison.Ordinal);
        if (authority < 0)
        {
            return null; // "*" (OPTIONS) or host:port (CONNECT): no path to check
        }
        var path = target.IndexOfAny(['/', '?'], authority + 3);
        return path < 0 ? "/" : target[path] == '?' ? "/" + target[path..] : target[path..];
    }

    internal static bool IsAmbiguous(ReadOnlySpan<char> path)
    {
        if (path.IndexOfAny('\\', '%', '.') < 0 && !path.Contains("//", StringComparison.Ordinal))
        {
            return false; // nothing to encode, no dot, no empty segment: most requests, decided in two vectorised scans
        }
        if (path.Contains('\\') || path.Contains("%2f", StringComparison.OrdinalIgnoreCase) ||
            path.Contains("%5c", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // Segments between slashes; a single trailing slash is fine (socket.io asks for /api/socket.io/).
        var segments = path.Length > 1 && path[^1] == '/' ? path[1..^1] : path[1..];
        foreach (var range in segments.Split('/'))
        {
            var segment = segments[range];
            if (segment.IsEmpty && path.Length > 1 ||
                segment.Equals(".", StringComparison.Ordinal) || segment.Equals("..", StringComparison.Ordinal) ||
                segment.Equals("%2e", StringComparison.OrdinalIgnoreCase) ||
                segment.Equals("%2e%2e", StringComparison.OrdinalIgnoreCase) ||
                segment.Equals(".%2e", StringComparison.OrdinalIgnoreCase) ||
                segment.Equals("%2e.", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }
}
