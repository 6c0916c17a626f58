using System.Net;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Proxy;

/// <summary>
/// Immich learns the real client address, but only from proxies the operator trusts — on every request the gateway
/// sends for a client: those YARP forwards and those the gateway makes itself (thumbnails, statistics, server info,
/// reference routes, /bff).
/// </summary>
public sealed class ForwardedHeadersTests(ForwardedHeadersTests.TrustingLoopback trusting, ForwardedHeadersTests.TrustingOnlyTenNetwork untrusting)
    : IClassFixture<ForwardedHeadersTests.TrustingLoopback>, IClassFixture<ForwardedHeadersTests.TrustingOnlyTenNetwork>
{
    private const string ClaimedClient = "203.0.113.9";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Every kind of request the gateway sends to Immich for a client.</summary>
    public static TheoryData<string> Routes => new()
    {
        "proxied", "thumbnail-miss", "thumbnail-forwarded", "statistics-admin", "statistics-non-admin", "server-info", "reference", "bff",
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task ForwardedFor_FromTrustedProxy_IsPassedToImmich(string route)
    {
        var seen = await SendAsync(trusting, route);

        Assert.All(seen, s => Assert.Equal((s.Path, ClaimedClient, "https", trusting.ServerAddress.Authority),
            (s.Path, s.Header("x-forwarded-for"), s.Header("x-forwarded-proto"), s.Header("x-forwarded-host"))));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task ForwardedFor_FromUntrustedAddress_IsReplacedByTheRealPeer(string route)
    {
        var seen = await SendAsync(untrusting, route);

        Assert.All(seen, s => Assert.Equal((s.Path, "127.0.0.1", "http", untrusting.ServerAddress.Authority),
            (s.Path, s.Header("x-forwarded-for"), s.Header("x-forwarded-proto"), s.Header("x-forwarded-host"))));
    }

    [Fact]
    public async Task ForwardedFor_FromAConfiguredKnownProxy_IsBelieved()
    {
        // Configured lists replace the loopback default: the test's client (127.0.0.1) is trusted only because it is
        // listed. (A network elsewhere keeps the lists non-empty: ForwardedHeaders with empty lists trusts everyone.)
        await using var gateway = new KestrelGatewayFactory();
        gateway.Settings["Gateway:KnownProxies:0"] = "127.0.0.1";
        gateway.Settings["Gateway:KnownNetworks:0"] = "10.0.0.0/8";
        await gateway.InitializeAsync();

        var seen = Assert.Single(await SendAsync(gateway, "proxied"));

        Assert.Equal((ClaimedClient, "https"), (seen.Header("x-forwarded-for"), seen.Header("x-forwarded-proto")));
    }

    [Fact]
    public async Task ForwardedFor_WhenOnlyAnotherKnownProxyIsConfigured_IsNotBelieved()
    {
        await using var gateway = new KestrelGatewayFactory();
        gateway.Settings["Gateway:KnownProxies:0"] = "10.0.0.7";
        await gateway.InitializeAsync();

        var seen = Assert.Single(await SendAsync(gateway, "proxied"));

        Assert.Equal(("127.0.0.1", "http"), (seen.Header("x-forwarded-for"), seen.Header("x-forwarded-proto")));
    }

    [Fact]
    public async Task ImmichCallsOutsideAClientsOwnRequest_CarryNoForwardedHeaders()
    {
        // The health ping and the OpenAPI document are the gateway's own business, cached for everyone.
        using var client = trusting.CreateAnonymousClient();
        var before = trusting.Immich.Requests.Count;

        await client.GetAsync("/health/dependencies", Cancel);
        await client.GetAsync("/swagger/immich/swagger.json", Cancel);

        var seen = trusting.Immich.RequestsSince(before);
        Assert.Contains(seen, s => s.Path == "/api/server/ping");
        Assert.Contains(seen, s => s.Path == "/api/spec.json");
        Assert.All(seen, s => Assert.Equal((s.Path, null, null, null),
            (s.Path, s.Header("x-forwarded-for"), s.Header("x-forwarded-proto"), s.Header("x-forwarded-host"))));
    }

    /// <summary>
    /// Sends <paramref name="route"/> as a proxy would relay it (claiming a client address, https and another host)
    /// and returns what reached Immich, after checking that something did.
    /// </summary>
    private static async Task<IReadOnlyList<SeenRequest>> SendAsync(KestrelGatewayFactory gateway, string route)
    {
        var asset = gateway.Immich.AddAlbum(1, TestUsers.Alice).Assets[0]["id"]!.GetValue<string>(); // never cached yet
        var marker = Guid.NewGuid().ToString("N");
        var (caller, url, expected) = route switch
        {
            "proxied" => (TestUsers.AliceKiosk, $"/api/users/me?marker={marker}", new[] { "/api/users/me" }),
            "thumbnail-miss" => (TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail", [$"/api/assets/{asset}/thumbnail"]),
            "thumbnail-forwarded" => (TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail?marker={marker}", [$"/api/assets/{asset}/thumbnail"]),
            "statistics-admin" => (TestUsers.AdaCli, "/api/server/statistics", ["/api/users/me", "/api/api-keys/me", "/api/server/statistics"]),
            "statistics-non-admin" => (TestUsers.AlicePhone, "/api/server/statistics", ["/api/users/me", "/api/server/statistics"]),
            "server-info" => (TestUsers.AliceKiosk, "/api/server/features", ["/api/server/features"]),
            "reference" => (TestUsers.AliceKiosk, "/api/assets?size=1", ["/api/search/metadata"]),
            "bff" => (TestUsers.AliceKiosk, "/bff/albums", ["/api/albums"]),
            _ => throw new ArgumentOutOfRangeException(nameof(route), route, null),
        };
        using var client = gateway.CreateClient(caller);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("X-Forwarded-For", ClaimedClient);
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "spoofed.example"); // never believed: Immich gets the Host the client sent
        var before = gateway.Immich.Requests.Count;

        var response = await client.SendAsync(request, Cancel);

        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Forbidden, $"{route}: {response.StatusCode}");
        var seen = gateway.Immich.RequestsSince(before);
        Assert.Equal(expected, seen.Select(s => s.Path));
        return seen;
    }

    /// <summary>The default: only loopback (the test's own client) is a trusted proxy.</summary>
    public sealed class TrustingLoopback : KestrelGatewayFactory;

    /// <summary>Only 10.0.0.0/8 is trusted, so the test's client (127.0.0.1) is not.</summary>
    public sealed class TrustingOnlyTenNetwork : KestrelGatewayFactory
    {
        public TrustingOnlyTenNetwork() => Settings["Gateway:KnownNetworks:0"] = "10.0.0.0/8";
    }
}
