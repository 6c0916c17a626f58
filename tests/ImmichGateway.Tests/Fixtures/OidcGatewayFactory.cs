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
    public const string Issuer = OidcSigning.Issuer;
    public const string Audience = OidcSigning.Audience;

    private readonly OidcSigning _signing = new();

    public OidcGatewayFactory() => _signing.TurnOn(Settings);

    public string CreateToken(IDictionary<string, object> claims, string? audience = Audience, SecurityKey? key = null, DateTime? expires = null) =>
        _signing.CreateToken(claims, audience, key, expires);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        _signing.TrustIn(builder);
    }
}

/// <summary>A gateway on Kestrel that also takes OIDC tokens, for what needs real sockets (WebSockets, raw headers).</summary>
public sealed class OidcKestrelGatewayFactory : KestrelGatewayFactory
{
    public OidcKestrelGatewayFactory(OidcSigning signing)
    {
        Signing = signing;
        signing.TurnOn(Settings);
    }

    public OidcSigning Signing { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        Signing.TrustIn(builder);
    }
}

/// <summary>
/// OIDC for a test gateway: the settings that turn it on, and a signing key made for this run that the gateway trusts
/// in place of a provider's JWKS. Used by <see cref="OidcGatewayFactory"/>, and by a Kestrel gateway that needs tokens.
/// </summary>
public sealed class OidcSigning
{
    public const string Issuer = "https://login.example.test/";
    public const string Audience = "immich-gateway";

    private readonly SymmetricSecurityKey _signingKey = new(RandomNumberGenerator.GetBytes(32)) { KeyId = "test-key" };

    public void TurnOn(IDictionary<string, string?> settings)
    {
        settings["Gateway:Oidc:Authority"] = Issuer;
        settings["Gateway:Oidc:Audience"] = Audience;
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

    public void TrustIn(IWebHostBuilder builder) =>
        builder.ConfigureTestServices(services =>
            services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, jwt =>
            {
                var configuration = new OpenIdConnectConfiguration { Issuer = Issuer };
                configuration.SigningKeys.Add(_signingKey);
                jwt.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
            }));
}
