using ImmichGateway.Auth;
using Microsoft.AspNetCore.Authorization;

namespace ImmichGateway.Proxy;

/// <summary>The proxied routes' policy: public routes pass, credential management is refused, the rest needs a caller.</summary>
internal sealed class ImmichRouteRequirement : IAuthorizationRequirement;

internal sealed class ImmichRouteAuthorizationHandler(ImmichRouteRules rules) : AuthorizationHandler<ImmichRouteRequirement, HttpContext>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ImmichRouteRequirement requirement, HttpContext resource)
    {
        if (rules.IsPublic(resource.Request))
        {
            context.Succeed(requirement);
        }
        else if (GatewayCaller.From(context.User) is not null)
        {
            if (rules.Refusal(resource.Request) is { } reason)
            {
                context.Fail(new AuthorizationFailureReason(this, reason));
            }
            else
            {
                context.Succeed(requirement);
            }
        }
        return Task.CompletedTask;
    }
}
