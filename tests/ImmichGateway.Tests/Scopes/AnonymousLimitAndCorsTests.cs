using System.Net;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Scopes;

public sealed class AnonymousLimitAndCorsTests
{
    private const string AllowedOrigin = "https://frame.example.org";
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnonymousCallers_AreLimitedPerClientAddress()
    {
        await using var gateway = new GatewayFactory();
        gateway.Settings["Gateway:RateLimit:AnonymousPermitLimit"] = "2";
        gateway.Settings["Gateway:RateLimit:AnonymousTokensPerSecond"] = "1";
        await gateway.InitializeAsync();
        using var anonymous = gateway.CreateAnonymousClient();
        using var keyed = gateway.CreateClient(TestUsers.BobFrame);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await anonymous.GetAsync("/api/server/ping", Cancel)).StatusCode);
        }
        var withKey = await keyed.GetAsync("/api/server/ping", Cancel);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], statuses.Take(2));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses.Skip(2));
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
    }

    [Fact]
    public async Task Preflight_FromAnAllowedOrigin_IsAnsweredWithoutAKeyAndWithoutImmich()
    {
        await using var gateway = await CorsGatewayAsync();
        using var client = gateway.CreateAnonymousClient();
        var marker = Guid.NewGuid().ToString("N");

        var response = await client.SendAsync(Preflight($"/api/albums?marker={marker}", AllowedOrigin), Cancel);

        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal(AllowedOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var allowed = string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        Assert.Contains("x-api-key", allowed);
        Assert.Contains("authorization", allowed);
        Assert.Contains("content-type", allowed);
        Assert.Empty(gateway.Immich.RequestsMatching(marker));
    }

    [Fact]
    public async Task Preflight_FromAnotherOrigin_IsGrantedNothing()
    {
        await using var gateway = await CorsGatewayAsync();
        using var client = gateway.CreateAnonymousClient();

        var response = await client.SendAsync(Preflight("/api/albums", "https://evil.example.com"), Cancel);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Headers"));
    }

    [Fact]
    public async Task Preflight_WithNoOriginsConfigured_IsGrantedNothing()
    {
        await using var gateway = new GatewayFactory();
        await gateway.InitializeAsync();
        using var client = gateway.CreateAnonymousClient();

        var response = await client.SendAsync(Preflight("/api/albums", AllowedOrigin), Cancel);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task CrossOriginRequest_ExposesTheHeadersClientsRead()
    {
        await using var gateway = await CorsGatewayAsync();
        using var client = gateway.CreateClient(TestUsers.AliceKiosk);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/albums");
        request.Headers.Add("Origin", AllowedOrigin);

        var response = await client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(AllowedOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var exposed = string.Join(",", response.Headers.GetValues("Access-Control-Expose-Headers")).ToLowerInvariant();
        foreach (var header in new[] { "etag", "link", "retry-after", "content-disposition", "x-cache" })
        {
            Assert.Contains(header, exposed);
        }
    }

    private static async Task<GatewayFactory> CorsGatewayAsync()
    {
        var gateway = new GatewayFactory();
        gateway.Settings["Gateway:Cors:AllowedOrigins:0"] = AllowedOrigin;
        await gateway.InitializeAsync();
        return gateway;
    }

    private static HttpRequestMessage Preflight(string url, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, url);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "x-api-key");
        return request;
    }
}
