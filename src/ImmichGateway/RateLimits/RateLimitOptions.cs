namespace ImmichGateway.RateLimits;

/// <summary>Default rate limits (section <c>Gateway:RateLimit</c>); a client may override its own.</summary>
internal sealed class RateLimitOptions
{
    public const string SectionName = "Gateway:RateLimit";

    /// <summary>Requests a client key may make at once (a grid loads a few hundred thumbnails in a burst).</summary>
    public int PermitLimit { get; set; } = 400;

    /// <summary>Requests per second a client key's bucket refills.</summary>
    public int TokensPerSecond { get; set; } = 100;

    /// <summary>Requests an anonymous caller (public routes) may make at once, per client IP.</summary>
    public int AnonymousPermitLimit { get; set; } = 60;

    /// <summary>Requests per second an anonymous caller's bucket refills, per client IP.</summary>
    public int AnonymousTokensPerSecond { get; set; } = 10;
}
