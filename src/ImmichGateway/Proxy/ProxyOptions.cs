namespace ImmichGateway.Proxy;

/// <summary>How the gateway treats forwarded traffic (section <c>Gateway</c>).</summary>
internal sealed class ProxyOptions
{
    public const string SectionName = "Gateway";

    public static readonly string[] DefaultPublicRoutes =
        ["/api/server/ping", "/api/server/version", "/api/server/features", "/api/server/config", "/api/server/media-types"];

    /// <summary>Immich routes that pass without a key (GET/HEAD only). Unset: <see cref="DefaultPublicRoutes"/>.</summary>
    public string[]? PublicRoutes { get; set; }

    /// <summary>Let clients write to <c>/api/api-keys</c>, <c>/api/auth/*</c>, <c>/api/sessions*</c>, <c>/api/oauth/*</c>.</summary>
    public bool AllowCredentialManagement { get; set; }

    /// <summary>Largest request body on every route but uploads (bytes). Uploads (<c>POST /api/assets</c>) have no limit.</summary>
    public long MaxRequestBodySize { get; set; } = 30 * 1024 * 1024;

    /// <summary>Addresses of reverse proxies whose X-Forwarded-* headers are believed (loopback always is).</summary>
    public string[]? KnownProxies { get; set; }

    /// <summary>Networks (CIDR, e.g. 10.0.0.0/8) of reverse proxies whose X-Forwarded-* headers are believed.</summary>
    public string[]? KnownNetworks { get; set; }

    public IReadOnlyList<string> EffectivePublicRoutes => PublicRoutes ?? DefaultPublicRoutes;
}
