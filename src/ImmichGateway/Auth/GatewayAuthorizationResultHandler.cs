using ImmichGateway.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Options;

namespace ImmichGateway.Auth;

/// <summary>
/// Refusals as problem details: 401 with <c>WWW-Authenticate</c> naming what the gateway accepts, 403 naming the rule.
/// Nothing is forwarded to Immich for either.
/// </summary>
internal sealed class GatewayAuthorizationResultHandler(IOptions<OidcOptions> oidc) : IAuthorizationMiddlewareResultHandler
{
    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult) =>
        authorizeResult.Succeeded ? next(context) : RefuseAsync(context, authorizeResult);

    private async Task RefuseAsync(HttpContext context, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden)
        {
            var reason = authorizeResult.AuthorizationFailure?.FailureReasons.FirstOrDefault()?.Message
                ?? "This client may not call this route.";
            await context.WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden by the gateway", reason);
            return;
        }

        // The authentication middleware keeps only successes; handlers cache their result, so this does not run twice.
        // A bearer token's failure is told in the gateway's words whatever the exception (a malformed token fails
        // with an ArgumentException, not a SecurityTokenException): never IdentityModel's own message.
        var failure = (await context.AuthenticateAsync()).Failure;
        var bearer = ClientKeyAuthenticationHandler.IsBearerRequest(context.Request);
        var bearerFailed = bearer && failure is not null;
        var detail = (bearer, failure) switch
        {
            (true, _) when !oidc.Value.Enabled => AuthMessages.OidcDisabled,
            (true, { Message: AuthMessages.UnknownTokenUser }) => AuthMessages.UnknownTokenUser,
            (true, not null) => AuthMessages.InvalidToken,
            (_, null) => AuthMessages.NoCredential,
            _ => failure.Message, // the client-key scheme's own messages (AuthMessages)
        };

        context.Response.Headers.Append("WWW-Authenticate", "ApiKey header=\"x-api-key\"");
        if (oidc.Value.Enabled)
        {
            context.Response.Headers.Append("WWW-Authenticate", bearerFailed ? "Bearer error=\"invalid_token\"" : "Bearer");
        }
        await context.WriteProblemAsync(StatusCodes.Status401Unauthorized, "Authentication required", detail);
    }
}
