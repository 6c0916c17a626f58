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

    /// <summary>
    /// Whether a query parameter carries a credential: one of <see cref="CredentialQueryParameters"/> in any case, also
    /// in the bracket forms a query parser such as <c>qs</c> reads as the same name (<c>apiKey[]</c>, <c>apiKey[0]</c>).
    /// </summary>
    public static bool IsCredentialQueryParameter(string name)
    {
        var bracket = name.IndexOf('[');
        var bare = bracket > 0 ? name.AsSpan(0, bracket) : name.AsSpan();
        foreach (var credential in CredentialQueryParameters)
        {
            if (bare.Equals(credential, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Every cookie whose name starts with this is Immich's (session token, auth type, share-link token…).</summary>
    public const string CookiePrefix = "immich_";
}
