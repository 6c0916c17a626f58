using System.Net;
using System.Security.Cryptography;
using ImmichGateway.Tests.Fixtures;
using Microsoft.IdentityModel.Tokens;

namespace ImmichGateway.Tests.Auth;

public sealed class OidcTests(OidcGatewayFactory gateway) : IClassFixture<OidcGatewayFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BearerToken_WithConfiguredSubject_IsForwardedWithThatUsersImmichKey()
    {
        var token = gateway.CreateToken(new Dictionary<string, object> { ["sub"] = "oidc|alice" });
        using var client = gateway.CreateBearerClient(token);
        var marker = Guid.NewGuid().ToString("N");

        var response = await client.GetAsync($"/api/users/me?marker={marker}", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(gateway.Immich.RequestsMatching(marker));
        Assert.Equal(TestUsers.Alice.ImmichKey, seen.Header("x-api-key"));
        Assert.Null(seen.Header("authorization"));
    }

    [Fact]
    public async Task BearerToken_WithVerifiedEmail_MatchesTheUserByEmail()
    {
        var token = gateway.CreateToken(new Dictionary<string, object> { ["sub"] = "someone-else", ["email"] = "BOB@example.com", ["email_verified"] = true });
        using var client = gateway.CreateBearerClient(token);
        var marker = Guid.NewGuid().ToString("N");

        var response = await client.GetAsync($"/api/users/me?marker={marker}", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TestUsers.Bob.ImmichKey, Assert.Single(gateway.Immich.RequestsMatching(marker)).Header("x-api-key"));
    }

    public static TheoryData<string> RefusedTokens => new()
    {
        "unverified-email", "email-verified-as-string", "email-verified-as-capitalised-string", "unknown-subject", "wrong-audience", "wrong-key", "expired",
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task BearerToken_ThatIsInvalidOrMatchesNoUser_Is401AndNotForwarded(string kind)
    {
        var token = kind switch
        {
            "unverified-email" => gateway.CreateToken(new Dictionary<string, object> { ["sub"] = "x", ["email"] = "bob@example.com", ["email_verified"] = false }),
            // A string is no verification: only the JSON boolean true is.
            "email-verified-as-string" => gateway.CreateToken(new Dictionary<string, object> { ["sub"] = "x", ["email"] = "bob@example.com", ["email_verified"] = "true" }),
            "email-verified-as-capitalised-string" => gateway.CreateToken(new Dictionary<string, object> { ["sub"] = "x", ["email"] = "bob@example.com", ["email_verified"] = "True" }),
            "unknown-subject" => gateway.CreateToken(new Dictionary<string, object> { ["sub"] = "oidc|mallory" }),
            "wrong-audience" => gateway.CreateToken(new Dictionary<string, object> { ["sub"] = "oidc|alice" }, audience: "another-app"),
            "wrong-key" => gateway.CreateToken(new Dictionary<string, object> { ["sub"] = "oidc|alice" }, key: new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32))),
            _ => gateway.CreateToken(new Dictionary<string, object> { ["sub"] = "oidc|alice" }, expires: DateTime.UtcNow.AddMinutes(-6)),
        };
        using var client = gateway.CreateBearerClient(token);
        var marker = Guid.NewGuid().ToString("N");

        var response = await client.GetAsync($"/api/users/me?marker={marker}", Cancel);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        Assert.Empty(gateway.Immich.RequestsMatching(marker));
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln")]
    public async Task MalformedBearerToken_Is401_InTheGatewaysWords_WithInvalidToken(string token)
    {
        using var client = gateway.CreateBearerClient(token);
        var marker = Guid.NewGuid().ToString("N");

        var response = await client.GetAsync($"/api/users/me?marker={marker}", Cancel);

        Assert.Equal("The bearer token is not valid for this gateway.", await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized));
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer" && h.Parameter == "error=\"invalid_token\"");
        Assert.Empty(gateway.Immich.RequestsMatching(marker));
    }

    [Fact]
    public async Task EmptyApiKeyHeader_WithAValidBearerToken_IsTheTokensUser()
    {
        // On real sockets: TestServer does not pass an empty header on.
        await using var kestrel = new OidcKestrelGatewayFactory(new OidcSigning());
        await kestrel.InitializeAsync();
        var token = kestrel.Signing.CreateToken(new Dictionary<string, object> { ["sub"] = "oidc|alice" });
        using var client = kestrel.CreateBearerClient(token);
        var marker = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/users/me?marker={marker}");
        Assert.True(request.Headers.TryAddWithoutValidation("x-api-key", "")); // some clients always send the header

        var response = await client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TestUsers.Alice.ImmichKey, Assert.Single(kestrel.Immich.RequestsMatching(marker)).Header("x-api-key"));
    }
}
