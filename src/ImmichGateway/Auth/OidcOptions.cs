namespace ImmichGateway.Auth;

/// <summary>OIDC bearer tokens (optional). Without an authority, bearer tokens are refused.</summary>
internal sealed class OidcOptions
{
    public const string SectionName = "Gateway:Oidc";

    /// <summary>Issuer URL; its discovery document supplies the signing keys.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience tokens must carry (usually the client id registered for the gateway).</summary>
    public string? Audience { get; set; }

    /// <summary>Set false only for a development identity provider on plain http.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}
