using System.Security.Claims;
using ImmichGateway.Keys;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace ImmichGateway.Auth;

/// <summary>
/// Turns a validated OIDC token into a gateway user: by <c>sub</c> against <c>Gateway:Users:{user}:Subject</c>, or by
/// <c>email</c> against <c>Gateway:Users:{user}:Email</c> when the token says <c>email_verified: true</c> (a JSON boolean).
/// </summary>
internal static class TokenUserMatcher
{
    public static Task OnTokenValidated(TokenValidatedContext context)
    {
        var principal = context.Principal!;
        var users = context.HttpContext.RequestServices.GetRequiredService<GatewayUsersStore>().Current;
        // The JSON boolean true, not a string that reads "true": a provider that puts user-editable text there is not
        // vouching for the address.
        var emailVerified = principal.FindFirst("email_verified") is { ValueType: ClaimValueTypes.Boolean } verified &&
                            string.Equals(verified.Value, "true", StringComparison.OrdinalIgnoreCase);
        var subject = principal.FindFirst("sub")?.Value;
        var email = principal.FindFirst("email")?.Value;
        var user = users.FindUserByToken(subject, email, emailVerified);
        if (user is null)
        {
            AuthLog.TokenUserUnknown(context.HttpContext.RequestServices.GetRequiredService<ILogger<JwtBearerHandler>>());
            context.Fail(AuthMessages.UnknownTokenUser);
            return Task.CompletedTask;
        }
        context.Principal = new ClaimsPrincipal(GatewayCaller.CreateTokenIdentity(user, subject, emailVerified ? email : null, GatewayAuthDefaults.BearerScheme));
        return Task.CompletedTask;
    }
}
