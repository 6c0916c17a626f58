using ImmichGateway.Immich;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
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

        builder.Services.AddAuthentication(GatewayAuthDefaults.Scheme)
            .AddPolicyScheme(GatewayAuthDefaults.Scheme, GatewayAuthDefaults.Scheme, options => options.ForwardDefaultSelector = SelectScheme)
            .AddScheme<AuthenticationSchemeOptions, ClientKeyAuthenticationHandler>(GatewayAuthDefaults.ClientKeyScheme, null)
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
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, GatewayAuthorizationResultHandler>();
        return builder;
    }

    private static string SelectScheme(HttpContext context)
    {
        var headers = context.Request.Headers;
        return headers.ContainsKey(ImmichHeaders.ApiKey) || !headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? GatewayAuthDefaults.ClientKeyScheme
            : GatewayAuthDefaults.BearerScheme;
    }
}
