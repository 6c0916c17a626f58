using System.Net;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Auth;

/// <summary><c>Gateway:PublicRoutes</c> and <c>Gateway:AllowCredentialManagement</c> changed from their defaults. Each test owns its gateway.</summary>
public sealed class RouteSettingsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PublicRoutes_WhenSet_ReplaceTheDefaults()
    {
        await using var gateway = await GatewayFactory.StartAsync(
            ("Gateway:PublicRoutes:0", "/api/server/ping"), ("Gateway:PublicRoutes:1", "/api/server/about"));
        using var anonymous = gateway.CreateAnonymousClient();
        var marker = Guid.NewGuid().ToString("N");

        var added = await anonymous.GetAsync($"/api/server/about?marker={marker}", Cancel);
        var kept = await anonymous.GetAsync($"/api/server/ping?marker={marker}", Cancel);
        var dropped = await anonymous.GetAsync($"/api/server/version?marker={marker}", Cancel);
        var discovery = await anonymous.GetAsync($"/.well-known/immich?marker={marker}", Cancel);

        var seen = gateway.Immich.RequestsMatching(marker);
        Assert.Equal(["/api/server/about", "/api/server/ping", "/.well-known/immich"], seen.Select(s => s.Path));
        Assert.All(seen, s => Assert.Null(s.Header("x-api-key")));
        Assert.NotEqual("application/problem+json", added.Content.Headers.ContentType?.MediaType); // Immich's answer, not a refusal
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        await ProblemAssert.IsProblemAsync(dropped, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, discovery.StatusCode); // not part of the list: always public
    }

    [Fact]
    public async Task AllowCredentialManagement_ForwardsCredentialWritesWithTheUsersOwnKey()
    {
        await using var gateway = await GatewayFactory.StartAsync(("Gateway:AllowCredentialManagement", "true"));
        using var client = gateway.CreateClient(TestUsers.AdaCli);
        var marker = Guid.NewGuid().ToString("N");

        var response = await client.PostAsync($"/api/api-keys?marker={marker}",
            new StringContent("{\"name\":\"cli\",\"permissions\":[\"all\"]}", System.Text.Encoding.UTF8, "application/json"), Cancel);

        var seen = Assert.Single(gateway.Immich.RequestsMatching(marker));
        Assert.Equal(("POST", TestUsers.Ada.ImmichKey), (seen.Method, seen.Header("x-api-key")));
        Assert.NotEqual("application/problem+json", response.Content.Headers.ContentType?.MediaType);

        var password = await client.PutAsync($"/api/users/me?marker={marker}2",
            new StringContent("{\"password\":\"new\"}", System.Text.Encoding.UTF8, "application/json"), Cancel);

        Assert.Equal("{\"password\":\"new\"}", Assert.Single(gateway.Immich.RequestsMatching(marker + "2")).BodyText);
        Assert.NotEqual("application/problem+json", password.Content.Headers.ContentType?.MediaType);
    }
}
