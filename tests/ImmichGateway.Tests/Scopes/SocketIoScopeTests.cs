using System.Net;
using System.Net.WebSockets;
using System.Text;
using ImmichGateway.Scopes;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Scopes;

/// <summary>The limited clients of <see cref="ScopedGateway"/>, on real sockets (TestServer cannot upgrade to WebSockets).</summary>
public sealed class ScopedKestrelGateway : KestrelGatewayFactory
{
    public ScopedKestrelGateway() => ScopedGateway.AddClients(Settings);
}

/// <summary>
/// socket.io under client limits: a read-only client may use both of socket.io's transports (the WebSocket, and
/// long-polling with its POSTs); an album-scoped client may use neither.
/// </summary>
public sealed class SocketIoScopeTests(ScopedKestrelGateway gateway) : IClassFixture<ScopedKestrelGateway>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReadOnlyClient_MayUseTheWebSocket()
    {
        using var socket = await gateway.ConnectSocketIoAsync(ScopedGateway.Dashboard);

        await socket.SendAsync(Encoding.UTF8.GetBytes("42[\"ping\"]"), WebSocketMessageType.Text, true, Cancel);
        var echo = await KestrelGatewayFactory.ReceiveTextAsync(socket);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, Cancel);

        Assert.Equal("42[\"ping\"]", echo);
    }

    [Fact]
    public async Task ReadOnlyClient_MayUseLongPolling_ItsPostsIncluded()
    {
        using var client = gateway.CreateClient(ScopedGateway.Dashboard);
        var marker = Guid.NewGuid().ToString("N");

        var open = await client.GetAsync($"/api/socket.io/?EIO=4&transport=polling&t={marker}", Cancel);
        var send = await client.PostAsync($"/api/socket.io/?EIO=4&transport=polling&sid=fake&t={marker}",
            new StringContent("42[\"ping\"]", Encoding.UTF8, "text/plain"), Cancel);

        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Equal(HttpStatusCode.OK, send.StatusCode);
        Assert.Equal("ok", await send.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(["GET", "POST"], gateway.Immich.RequestsMatching(marker).Select(r => r.Method));
    }

    [Theory]
    [InlineData("/api/socket.io/?EIO=4&sid=fake")]                      // not the polling transport
    [InlineData("/api/socket.io/?EIO=4&transport=websocket&sid=fake")]
    [InlineData("/api/socket.io/?EIO=4&transport=polling")]             // no session: socket.io opens one with a GET
    [InlineData("/api/socket.io/other?EIO=4&transport=polling&sid=fake")]
    [InlineData("/api/socket.iox?EIO=4&transport=polling&sid=fake")]
    public async Task ReadOnlyClient_OtherPostsNearSocketIo_AreStillRefused(string url)
    {
        using var client = gateway.CreateClient(ScopedGateway.Dashboard);
        var marker = Guid.NewGuid().ToString("N");

        var response = await client.PostAsync($"{url}&t={marker}", new StringContent("42[\"ping\"]", Encoding.UTF8, "text/plain"), Cancel);

        Assert.Equal(ScopeRules.ReadOnlyRefusal, await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden));
        Assert.Empty(gateway.Immich.RequestsMatching(marker));
    }

    [Fact]
    public async Task AlbumScopedClient_IsRefusedTheWebSocket()
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("x-api-key", ScopedGateway.AlbumApp.Key);
        var marker = Guid.NewGuid().ToString("N");
        var url = new UriBuilder(gateway.SocketIoUrl) { Query = $"EIO=4&transport=websocket&t={marker}" }.Uri;

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(url, Cancel));

        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
        Assert.Empty(gateway.Immich.RequestsMatching(marker));
    }

    [Theory]
    [InlineData("GET", "/api/socket.io/?EIO=4&transport=polling")]
    [InlineData("POST", "/api/socket.io/?EIO=4&transport=polling&sid=fake")]
    public async Task AlbumScopedClient_IsRefusedLongPolling_ByTheAlbumRule(string method, string url)
    {
        using var client = gateway.CreateClient(ScopedGateway.AlbumApp);
        var marker = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(new HttpMethod(method), $"{url}&t={marker}")
        {
            Content = method == "POST" ? new StringContent("42[\"ping\"]", Encoding.UTF8, "text/plain") : null,
        };

        var response = await client.SendAsync(request, Cancel);

        Assert.Equal(ScopeRules.AlbumRefusal, await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden));
        Assert.Empty(gateway.Immich.RequestsMatching(marker));
    }
}
