using System.Collections.Frozen;
using ImmichGateway.Keys;

namespace ImmichGateway.Scopes;

/// <summary>What one client key may do. A client with no limits keeps the full rights of its user.</summary>
internal sealed record ClientScope(bool ReadOnly, FrozenSet<Guid>? Albums, IReadOnlyList<RouteRule>? Routes, ClientRateLimitOptions? RateLimit)
{
    public static ClientScope Unlimited { get; } = new(false, null, null, null);

    public bool IsAlbumScoped => Albums is not null;

    /// <summary>Whether this client may be refused a request (its own rate limit aside, which the limiter applies).</summary>
    public bool LimitsRequests => ReadOnly || IsAlbumScoped || Routes is not null;

    public static ClientScope From(GatewayClientOptions options) => new(
        options.ReadOnly,
        options.Albums is { Length: > 0 } albums ? albums.Select(Guid.Parse).ToFrozenSet() : null,
        options.Routes is { Length: > 0 } routes ? routes.Select(r => RouteRule.TryParse(r, out var rule) ? rule! : throw new FormatException(r)).ToList() : null,
        options.RateLimit);
}
