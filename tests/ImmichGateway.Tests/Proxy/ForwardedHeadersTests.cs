using System.Net;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Proxy;

/// <summary>Immich learns the real client address, but only from proxies the operator trusts.</summary>
public sealed class ForwardedHeadersTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ForwardedFor_FromTrustedProxy_IsPassedToImmich()
    {
        await using var gateway = new KestrelGatewayFactory(); // loopback is trusted by default
        await gateway.InitializeAsync();
        var seen = await SendAsync(gateway);

        Assert.Equal("203.0.113.9", seen.Header("x-forwarded-for"));
        Assert.Equal("https", seen.Header("x-forwarded-proto"));
    }

    [Fact]
    public async Task ForwardedFor_FromUntrustedAddress_IsReplacedByTheRealPeer()
    {
        await using var gateway = new KestrelGatewayFactory();
        gateway.Settings["Gateway:KnownNetworks:0"] = "10.0.0.0/8";
        await gateway.InitializeAsync();
        var seen = await SendAsync(gateway);

        Assert.Equal("127.0.0.1", seen.Header("x-forwarded-for"));
        Assert.Equal("http", seen.Header("x-forwarded-proto"));
    }

    private static async Task<SeenRequest> SendAsync(KestrelGatewayFactory gateway)
    {
        using var client = gateway.CreateClient(TestUsers.AliceKiosk);
        var marker = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/users/me?marker={marker}");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        request.Headers.Add("X-Forwarded-Proto", "https");

        var response = await client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Assert.Single(gateway.Immich.RequestsMatching(marker));
    }
}
