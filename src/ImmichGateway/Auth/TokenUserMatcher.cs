using System.Security.Claims;
using ImmichGateway.Keys;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace ImmichGateway.Auth;

/// <summary>
/// Turns a validated OIDC token into a gateway user: by <c>sub</c> against <c>Gateway:Users:{user}:Subject</c>, or by
/// <c>email</c> against <c>Gateway:Users:{user}:Email</c> when the token says <c>email_verified: true</c>.
/// </summary>
internal static class TokenUserMatcher
{
    public static Task OnTokenValidated(TokenValidatedContext context)
    {
        var principal = context.Principal!;
        var users = context.HttpContext.RequestServices.GetRequiredService<GatewayUsersStore>().Current;
        var emailVerified = string.Equals(principal.FindFirst("email_verified")?.Value, "true", StringComparison.OrdinalIgnoreCase);
        var user = users.FindUserByToken(principal.FindFirst("sub")?.Value, principal.FindFirst("email")?.Value, emailVerified);
        if (user is null)
        {
            AuthLog.TokenUserUnknown(context.HttpContext.RequestServices.GetRequiredService<ILogger<JwtBearerHandler>>());
            context.Fail(AuthMessages.UnknownTokenUser);
            return Task.CompletedTask;
        }
        context.Principal = new ClaimsPrincipal(GatewayCaller.CreateIdentity(user, GatewayAuthDefaults.BearerScheme));
        return Task.CompletedTask;
    }
}
