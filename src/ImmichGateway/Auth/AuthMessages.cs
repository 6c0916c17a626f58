namespace ImmichGateway.Auth;

/// <summary>What a refused caller is told. Never a key, never which users or clients exist.</summary>
internal static class AuthMessages
{
    public const string NoCredential = "Send a gateway client key in the x-api-key header, or an OIDC bearer token in Authorization.";
    public const string UnknownKey = "The client key is not valid for this gateway.";
    public const string SeveralKeys = "Send exactly one x-api-key header.";
    public const string ImmichKeyPresented = "The client key is not valid for this gateway. Immich API keys are not accepted here: ask for a gateway client key.";
    public const string InvalidToken = "The bearer token is not valid for this gateway.";
    public const string UnknownTokenUser = "The bearer token does not belong to a user of this gateway.";
    public const string OidcDisabled = "This gateway does not accept bearer tokens; send a client key in x-api-key.";
}
