using System.Net;
using ImmichGateway.Tests.Fixtures;
using Microsoft.AspNetCore.Http;

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
    public async Task AnonymousCallers_BehindATrustedProxy_GetABucketEachByForwardedAddress()
    {
        await using var gateway = await ProxiedGatewayAsync();

        var first = await PingAsync(gateway, from: TrustedProxy, forwardedFor: "198.51.100.1", times: 4);
        var second = await PingAsync(gateway, from: TrustedProxy, forwardedFor: "198.51.100.2", times: 2);

        Assert.Contains(StatusCodes.Status429TooManyRequests, first); // at most 3 of 4 pass, even if a token comes back meanwhile
        Assert.Equal([StatusCodes.Status200OK, StatusCodes.Status200OK], second); // the proxy's address is not the bucket
    }

    /// <summary>One host holds a whole IPv6 /64: a fresh address from it is not a fresh bucket.</summary>
    [Fact]
    public async Task AnonymousCallers_FromOneIPv6Slash64_ShareABucket()
    {
        await using var gateway = await ProxiedGatewayAsync();

        var rotating = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            rotating.AddRange(await PingAsync(gateway, from: TrustedProxy, forwardedFor: $"2001:db8:1:2::{i + 1:x}", times: 1));
        }
        var neighbour = await PingAsync(gateway, from: TrustedProxy, forwardedFor: "2001:db8:1:3::1", times: 2);

        Assert.Contains(StatusCodes.Status429TooManyRequests, rotating); // at most 3 of 4 pass, even if a token comes back meanwhile
        Assert.Equal([StatusCodes.Status200OK, StatusCodes.Status200OK], neighbour); // the next /64 is someone else
    }

    [Theory]
    [InlineData("198.51.100.7", "198.51.100.7")]
    [InlineData("::ffff:198.51.100.7", "198.51.100.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("::1", "::1")]
    public void AnonymousBucket_IsTheIPv4AddressOrTheIPv6Slash64(string address, string bucket) =>
        Assert.Equal(bucket, ImmichGateway.RateLimits.RateLimitExtensions.AnonymousBucket(IPAddress.Parse(address)));

    [Fact]
    public async Task AnonymousCaller_NotATrustedProxy_GetsNoFreshBucketFromXForwardedFor()
    {
        await using var gateway = await ProxiedGatewayAsync();

        var own = await PingAsync(gateway, from: "203.0.113.9", forwardedFor: "198.51.100.1", times: 2);
        var spoofed = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            spoofed.AddRange(await PingAsync(gateway, from: "203.0.113.9", forwardedFor: $"198.51.100.{10 + i}", times: 1));
        }

        Assert.Equal([StatusCodes.Status200OK, StatusCodes.Status200OK], own);
        Assert.True(spoofed.Count(s => s == StatusCodes.Status200OK) <= 1, $"statuses: {string.Join(",", spoofed)}"); // one token may come back meanwhile
        Assert.Contains(StatusCodes.Status429TooManyRequests, spoofed);
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

    private const string TrustedProxy = "10.0.0.7";

    /// <summary>A gateway that believes X-Forwarded-For from <see cref="TrustedProxy"/> only; 2 anonymous requests per address.</summary>
    private static Task<GatewayFactory> ProxiedGatewayAsync() => GatewayFactory.StartAsync(
        ("Gateway:KnownProxies:0", TrustedProxy),
        ("Gateway:RateLimit:AnonymousPermitLimit", "2"),
        ("Gateway:RateLimit:AnonymousTokensPerSecond", "1"));

    /// <summary>Anonymous pings arriving from the peer <paramref name="from"/> (TestServer lets a test set it).</summary>
    private static async Task<List<int>> PingAsync(GatewayFactory gateway, string from, string forwardedFor, int times)
    {
        var statuses = new List<int>();
        for (var i = 0; i < times; i++)
        {
            var context = await gateway.Server.SendAsync(c =>
            {
                c.Request.Method = HttpMethods.Get;
                c.Request.Path = "/api/server/ping";
                c.Connection.RemoteIpAddress = IPAddress.Parse(from);
                c.Request.Headers["X-Forwarded-For"] = forwardedFor;
            }, Cancel);
            statuses.Add(context.Response.StatusCode);
        }
        return statuses;
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
