using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ImmichGateway.Tests.Fixtures;

/// <summary>The gateway with OIDC on; tokens are signed with a key made for this run instead of a provider's JWKS.</summary>
public sealed class OidcGatewayFactory : GatewayFactory
{
    public const string Issuer = "https://login.example.test/";
    public const string Audience = "immich-gateway";

    private readonly SymmetricSecurityKey _signingKey = new(RandomNumberGenerator.GetBytes(32)) { KeyId = "test-key" };

    public OidcGatewayFactory()
    {
        Settings["Gateway:Oidc:Authority"] = Issuer;
        Settings["Gateway:Oidc:Audience"] = Audience;
    }

    public string CreateToken(IDictionary<string, object> claims, string? audience = Audience, SecurityKey? key = null, DateTime? expires = null)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = DateTime.UtcNow.AddMinutes(-10),
            NotBefore = DateTime.UtcNow.AddMinutes(-10),
            Expires = expires ?? DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(key ?? _signingKey, SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
            services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, jwt =>
            {
                var configuration = new OpenIdConnectConfiguration { Issuer = Issuer };
                configuration.SigningKeys.Add(_signingKey);
                jwt.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
            }));
    }
}
