namespace ImmichGateway.Keys;

/// <summary>
/// The users the gateway serves, keyed by name (<c>Gateway:Users:{user}</c>), so an environment variable or a
/// Secret can never attach one user's key to another by list position.
/// </summary>
internal sealed class GatewayUsersOptions
{
    public const string SectionName = "Gateway";

    public Dictionary<string, GatewayUserOptions> Users { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>What is wrong with the section's shape (<see cref="GatewayUsersReader"/>); then no user was read.</summary>
    internal List<string> ShapeErrors { get; } = [];
}

internal sealed class GatewayUserOptions
{
    /// <summary>The user's own Immich API key; the gateway sends it to Immich in place of the client's credential.</summary>
    public string? ImmichApiKey { get; set; }

    /// <summary>Matched against a verified <c>email</c> claim of an OIDC token.</summary>
    public string? Email { get; set; }

    /// <summary>Matched against the <c>sub</c> claim of an OIDC token.</summary>
    public string? Subject { get; set; }

    /// <summary>The user's client apps, keyed by name (<c>Gateway:Users:{user}:Clients:{client}</c>).</summary>
    public Dictionary<string, GatewayClientOptions> Clients { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

internal sealed class GatewayClientOptions
{
    /// <summary>Lowercase hex SHA-256 of the client key. The key itself is never stored.</summary>
    public string? KeySha256 { get; set; }

    /// <summary>Only reads: GET, HEAD and the POSTs Immich uses for reading (search, download, timeline).</summary>
    public bool ReadOnly { get; set; }

    /// <summary>Album ids: the client sees only these albums and their assets, and nothing else.</summary>
    public string[]? Albums { get; set; }

    /// <summary>Allow-list of <c>METHOD /path</c> patterns (<c>*</c> one segment, <c>**</c> the rest), e.g. <c>GET /api/albums/**</c>.</summary>
    public string[]? Routes { get; set; }

    /// <summary>This client's own rate limit; unset values come from <c>Gateway:RateLimit</c>.</summary>
    public ClientRateLimitOptions? RateLimit { get; set; }
}

internal sealed class ClientRateLimitOptions
{
    /// <summary>How many requests may come at once (the bucket's size).</summary>
    public int? PermitLimit { get; set; }

    /// <summary>How many requests per second the bucket refills.</summary>
    public int? TokensPerSecond { get; set; }
}
