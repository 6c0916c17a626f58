using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Keys;

/// <summary>Bad configuration stops the process at start-up with a message that names the setting, never its value.</summary>
public sealed class StartupValidationTests
{
    public static TheoryData<string, string, string, string> BadSettings => new()
    {
        { "user-without-immich-key", "Gateway:Users:dave:Email", "dave@example.com", "Gateway:Users:dave:ImmichApiKey is missing" },
        { "malformed-hash", "Gateway:Users:bob:Clients:tv:KeySha256", "ABCDEF", "Gateway:Users:bob:Clients:tv:KeySha256 must be the lowercase hex SHA-256" },
        { "uppercase-hash", "Gateway:Users:bob:Clients:tv:KeySha256", TestUsers.BobFrame.KeySha256.ToUpperInvariant(), "Gateway:Users:bob:Clients:tv:KeySha256 must be the lowercase hex SHA-256" },
        { "duplicate-hash", "Gateway:Users:ada:Clients:copy:KeySha256", TestUsers.BobFrame.KeySha256, "Gateway:Users:ada:Clients:copy:KeySha256|Gateway:Users:bob:Clients:frame:KeySha256|is the same as" },
        { "immich-key-as-client-key", "Gateway:Users:bob:Clients:tv:KeySha256", Sha256(TestUsers.Alice.ImmichKey), "is the hash of the Immich API key in Gateway:Users:alice:ImmichApiKey" },
        { "duplicate-subject", "Gateway:Users:ada:Subject", "oidc|bob", "Gateway:Users:bob:Subject|Gateway:Users:ada:Subject|is the same as" },
        { "immich-url-with-api", "Immich:BaseUrl", "http://immich:2283/api", "Immich:BaseUrl is the root of the Immich server" },
        { "immich-url-not-http", "Immich:BaseUrl", "ftp://immich", "Immich:BaseUrl must be an absolute http or https URL" },
        { "oidc-without-audience", "Gateway:Oidc:Authority", "https://login.example.test/", "Gateway:Oidc:Audience is required" },
        { "bad-known-network", "Gateway:KnownNetworks:0", "10.0.0.0/99", "Gateway:KnownNetworks must list CIDR networks" },
        // A limit the binder would skip is a client without limits; a value it cannot convert it would quote.
        { "albums-single-value", "Gateway:Users:bob:Clients:frame:Albums", "1001bb5e-afab-4dd6-918c-53bf41379a9d", "Gateway:Users:bob:Clients:frame:Albums must be a list|Gateway__Users__bob__Clients__frame__Albums__0" },
        { "routes-single-value", "Gateway:Users:bob:Clients:frame:Routes", "GET /api/albums/**", "Gateway:Users:bob:Clients:frame:Routes must be a list" },
        { "albums-misspelt", "Gateway:Users:bob:Clients:frame:Album:0", "1001bb5e-afab-4dd6-918c-53bf41379a9d", "Gateway:Users:bob:Clients:frame:Album is not a setting the gateway knows" },
        { "list-entry-not-numbered", "Gateway:Users:bob:Clients:frame:Routes:first", "GET /api/albums/**", "Gateway:Users:bob:Clients:frame:Routes:first is not a list entry" },
        { "read-only-yes", "Gateway:Users:bob:Clients:frame:ReadOnly", "yes", "Gateway:Users:bob:Clients:frame:ReadOnly must be true or false" },
        { "read-only-holds-a-secret", "Gateway:Users:bob:Clients:frame:ReadOnly", TestUsers.Bob.ImmichKey, "Gateway:Users:bob:Clients:frame:ReadOnly must be true or false" },
        { "permit-limit-ten", "Gateway:Users:bob:Clients:frame:RateLimit:PermitLimit", "ten", "Gateway:Users:bob:Clients:frame:RateLimit:PermitLimit must be a whole number" },
        { "rate-limit-misspelt", "Gateway:Users:bob:Clients:frame:RateLimit:Permits", "10", "Gateway:Users:bob:Clients:frame:RateLimit:Permits is not a setting" },
        { "client-as-value", "Gateway:Users:bob:Clients:tv", TestUsers.BobFrame.KeySha256, "Gateway:Users:bob:Clients:tv has a value; it must be a section" },
        { "clients-as-value", "Gateway:Users:erin:Clients", "tv", "Gateway:Users:erin:Clients has a value" },
        { "user-as-value", "Gateway:Users:erin", TestUsers.Bob.ImmichKey, "Gateway:Users:erin has a value; it must be a section" },
        { "user-setting-misspelt", "Gateway:Users:bob:ImmichKey", TestUsers.Bob.ImmichKey, "Gateway:Users:bob:ImmichKey is not a setting the gateway knows" },
        { "key-hash-as-section", "Gateway:Users:bob:Clients:frame:KeySha256:0", TestUsers.BobFrame.KeySha256, "Gateway:Users:bob:Clients:frame:KeySha256 must be a single value" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Startup_WithBadSetting_FailsNamingTheSetting(string _, string key, string value, string expected)
    {
        await using var gateway = new GatewayFactory();
        await gateway.InitializeAsync();
        gateway.Settings[key] = value;

        var error = Record.Exception(() => gateway.CreateAnonymousClient());

        Assert.NotNull(error);
        foreach (var part in expected.Split('|'))
        {
            Assert.Contains(part, error.ToString());
        }
        foreach (var secret in TestUsers.AllSecrets)
        {
            Assert.DoesNotContain(secret, error.ToString());
        }
    }

    [Fact]
    public async Task Startup_WithValidSettings_Starts()
    {
        await using var gateway = new GatewayFactory();
        await gateway.InitializeAsync();

        using var client = gateway.CreateAnonymousClient();

        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/api/server/ping", TestContext.Current.CancellationToken)).StatusCode);
    }

    private static string Sha256(string value) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));
}
