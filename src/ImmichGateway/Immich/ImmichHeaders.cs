namespace ImmichGateway.Immich;

/// <summary>Every place a client can put an Immich credential (API-NOTES section b), in one home.</summary>
internal static class ImmichHeaders
{
    public const string ApiKey = "x-api-key";
    public const string UserToken = "x-immich-user-token";
    public const string SessionToken = "x-immich-session-token";
    public const string ShareKey = "x-immich-share-key";
    public const string ShareSlug = "x-immich-share-slug";

    /// <summary>Request headers that carry a credential Immich would honour.</summary>
    public static readonly string[] CredentialHeaders =
        [ApiKey, "Authorization", UserToken, SessionToken, ShareKey, ShareSlug];

    /// <summary>Query parameters that carry a credential Immich would honour.</summary>
    public static readonly string[] CredentialQueryParameters = ["apiKey", "sessionKey", "key", "slug"];

    /// <summary>Every cookie whose name starts with this is Immich's (session token, auth type, share-link token…).</summary>
    public const string CookiePrefix = "immich_";
}
