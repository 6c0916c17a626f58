using System.Security.Claims;
using ImmichGateway.Keys;

namespace ImmichGateway.Auth;

/// <summary>
/// Who is calling: a configured user, the client app they called from (a client key's name, or <c>oidc</c>), and
/// the hash of the client key when one was used (so a reload can tell whether that key still exists).
/// </summary>
internal sealed record GatewayCaller(string User, string Client, string? KeySha256)
{
    public const string OidcClient = "oidc";

    private const string UserClaim = "gateway:user";
    private const string ClientClaim = "gateway:client";
    private const string KeyHashClaim = "gateway:key-sha256";

    public static GatewayCaller? From(ClaimsPrincipal principal)
    {
        var user = principal.FindFirst(UserClaim)?.Value;
        var client = principal.FindFirst(ClientClaim)?.Value;
        return user is null || client is null ? null : new GatewayCaller(user, client, principal.FindFirst(KeyHashClaim)?.Value);
    }

    public static ClaimsIdentity CreateIdentity(GatewayClient client, string authenticationType) =>
        new([new(UserClaim, client.User), new(ClientClaim, client.Name), new(KeyHashClaim, client.KeySha256)], authenticationType, UserClaim, null);

    public static ClaimsIdentity CreateIdentity(string user, string authenticationType) =>
        new([new(UserClaim, user), new(ClientClaim, OidcClient)], authenticationType, UserClaim, null);
}
