namespace ImmichGateway.Auth;

internal static class GatewayAuthDefaults
{
    /// <summary>The default scheme: picks the client-key or the bearer scheme by what the request carries.</summary>
    public const string Scheme = "Gateway";
    public const string ClientKeyScheme = "ClientKey";
    public const string BearerScheme = "Bearer";
}
