using System.Security.Claims;
using ImmichGateway.Keys;

namespace ImmichGateway.Auth;

/// <summary>
/// Who is calling: a configured user, the client app they called from (a client key's name, or <c>oidc</c>), and
/// the hash of the client key when one was used, or for a bearer token what it was matched by (so a reload can tell
/// whether that key, or that token's subject or email, still lets the caller in).
/// </summary>
internal sealed record GatewayCaller(string User, string Client, string? KeySha256)
{
    /// <summary>The token's <c>sub</c>, for a bearer caller.</summary>
    public string? TokenSubject { get; init; }

    /// <summary>The token's <c>email</c>, for a bearer caller, when the token says it is verified.</summary>
    public string? TokenVerifiedEmail { get; init; }

    public const string OidcClient = "oidc";

    private const string UserClaim = "gateway:user";
    private const string ClientClaim = "gateway:client";
    private const string KeyHashClaim = "gateway:key-sha256";

    public static GatewayCaller? From(ClaimsPrincipal principal)
    {
        if (principal.Identity is GatewayIdentity identity)
        {
            return identity.Caller; // the common case: no claim lookups on the hot path
        }
        var user = principal.FindFirst(UserClaim)?.Value;
        var client = principal.FindFirst(ClientClaim)?.Value;
        return user is null || client is null ? null : new GatewayCaller(user, client, principal.FindFirst(KeyHashClaim)?.Value);
    }

    public static ClaimsIdentity CreateIdentity(string user, string client, string keySha256, string authenticationType) =>
        new GatewayIdentity(new GatewayCaller(user, client, keySha256),
            [new(UserClaim, user), new(ClientClaim, client), new(KeyHashClaim, keySha256)], authenticationType);

    public static ClaimsIdentity CreateTokenIdentity(string user, string? subject, string? verifiedEmail, string authenticationType) =>
        new GatewayIdentity(new GatewayCaller(user, OidcClient, null) { TokenSubject = subject, TokenVerifiedEmail = verifiedEmail },
            [new(UserClaim, user), new(ClientClaim, OidcClient)], authenticationType);

    /// <summary>An identity that carries its <see cref="GatewayCaller"/>, so reading it costs nothing.</summary>
    private sealed class GatewayIdentity(GatewayCaller caller, IEnumerable<Claim> claims, string authenticationType)
        : ClaimsIdentity(claims, authenticationType, UserClaim, null)
    {
        public GatewayCaller Caller { get; } = caller;
    }
}
