using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace ImmichGateway.Proxy;

/// <summary>
/// Which Immich routes are public and which would let a client mint or manage credentials behind the gateway's back.
/// Immich (Express) matches paths case-insensitively and ignores a trailing slash, so these rules do too.
/// </summary>
internal sealed class ImmichRouteRules(IOptions<ProxyOptions> options)
{
    private static readonly string[] CredentialPrefixes = ["/api/api-keys", "/api/auth/", "/api/sessions", "/api/oauth/"];

    private readonly FrozenSet<string> _public = options.Value.EffectivePublicRoutes
        .Select(r => r.TrimEnd('/')).ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public bool IsPublic(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) &&
        _public.Contains(TrimTrailingSlash(request.Path.Value));

    /// <summary>Why the request is refused, or null when it may go on.</summary>
    public string? Refusal(HttpRequest request)
    {
        if (options.Value.AllowCredentialManagement || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            return null;
        }
        var path = request.Path.Value ?? "";
        foreach (var prefix in CredentialPrefixes)
        {
            if (path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) &&
                (prefix.EndsWith('/') || path.Length == prefix.Length || path[prefix.Length] == '/'))
            {
                return "Clients of the gateway cannot create or manage Immich credentials (API keys, sessions, logins); " +
                       "the operator can allow it with Gateway:AllowCredentialManagement.";
            }
        }
        return null;
    }

    private static string TrimTrailingSlash(string? path) =>
        path is { Length: > 1 } && path[^1] == '/' ? path.TrimEnd('/') : path ?? "";
}
