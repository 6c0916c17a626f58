using ImmichGateway.Immich;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ImmichGateway.Auth;

internal static class AuthExtensions
{
    /// <summary>
    /// Two ways in: a gateway client key in <c>x-api-key</c> (takes precedence), or an OIDC bearer token.
    /// Every endpoint requires one of them unless it says otherwise.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OidcOptions>().BindConfiguration(OidcOptions.SectionName).ValidateOnStart()
            .Validate(o => !o.Enabled || Uri.TryCreate(o.Authority, UriKind.Absolute, out _), $"{OidcOptions.SectionName}:Authority must be an absolute URL.")
            .Validate(o => !o.Enabled || !string.IsNullOrWhiteSpace(o.Audience), $"{OidcOptions.SectionName}:Audience is required when {OidcOptions.SectionName}:Authority is set.");

        // The client-key scheme is the default and hands bearer-only requests to JwtBearer itself: one handler per
        // request, not a policy scheme in front of two.
        builder.Services.AddTransient<ClientKeyAuthenticationHandler>();
        builder.Services.AddAuthentication(options =>
            {
                options.DefaultScheme = GatewayAuthDefaults.ClientKeyScheme;
                options.AddScheme<ClientKeyAuthenticationHandler>(GatewayAuthDefaults.ClientKeyScheme, displayName: null);
            })
            .AddJwtBearer(GatewayAuthDefaults.BearerScheme, _ => { });

        builder.Services.AddOptions<JwtBearerOptions>(GatewayAuthDefaults.BearerScheme)
            .Configure<IOptions<OidcOptions>>((jwt, oidc) =>
            {
                jwt.Authority = oidc.Value.Enabled ? oidc.Value.Authority : null;
                jwt.Audience = oidc.Value.Audience;
                jwt.RequireHttpsMetadata = oidc.Value.RequireHttpsMetadata;
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters.NameClaimType = "sub";
                jwt.Events = new JwtBearerEvents { OnTokenValidated = TokenUserMatcher.OnTokenValidated };
            });

        builder.Services.AddAuthorization();
        // Authorization's services are registered transient, so the middleware has DI build six objects for every
        // request. They keep no state and every authorization handler here is a singleton: one instance each serves.
        builder.Services.Replace(ServiceDescriptor.Singleton<IPolicyEvaluator, PolicyEvaluator>());
        builder.Services.Replace(ServiceDescriptor.Singleton<IAuthorizationService, DefaultAuthorizationService>());
        builder.Services.Replace(ServiceDescriptor.Singleton<IAuthorizationPolicyProvider, DefaultAuthorizationPolicyProvider>());
        builder.Services.Replace(ServiceDescriptor.Singleton<IAuthorizationHandlerProvider, DefaultAuthorizationHandlerProvider>());
        builder.Services.Replace(ServiceDescriptor.Singleton<IAuthorizationEvaluator, DefaultAuthorizationEvaluator>());
        builder.Services.Replace(ServiceDescriptor.Singleton<IAuthorizationHandlerContextFactory, DefaultAuthorizationHandlerContextFactory>());
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, GatewayAuthorizationResultHandler>();
        return builder;
    }
}
