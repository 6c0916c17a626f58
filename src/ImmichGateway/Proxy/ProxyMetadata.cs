namespace ImmichGateway.Proxy;

/// <summary>
/// Route metadata keys (in <c>ReverseProxy:Routes:*:Metadata</c>) that say what a route needs; transform providers
/// and the proxy pipeline read them, as Duende BFF does with its token type.
/// </summary>
internal static class ProxyMetadata
{
    /// <summary>Which credential Immich gets: <see cref="PerUser"/> (the caller's Immich key) or <see cref="None"/>.</summary>
    public const string Credentials = "ImmichGateway.Credentials";
    public const string PerUser = "PerUser";
    public const string None = "None";

    /// <summary>"true" on upload routes: no body-size limit, streamed through.</summary>
    public const string Upload = "ImmichGateway.Upload";

    public const string ImmichCluster = "immich";
    public const string ImmichRoutePolicy = "immich";
}
