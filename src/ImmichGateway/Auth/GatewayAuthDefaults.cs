namespace ImmichGateway.Auth;

internal static class GatewayAuthDefaults
{
    /// <summary>The default scheme; it forwards to <see cref="BearerScheme"/> when the request carries only a bearer token.</summary>
    public const string ClientKeyScheme = "ClientKey";
    public const string BearerScheme = "Bearer";
}
