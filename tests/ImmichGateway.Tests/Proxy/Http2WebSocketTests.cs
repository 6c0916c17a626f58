using System.Net;
using System.Net.WebSockets;
using System.Text;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Proxy;

/// <summary>
/// WebSockets over HTTP/2 (RFC 8441: an extended CONNECT, no Upgrade header), which browsers use when the gateway's
/// endpoint speaks HTTP/2: proxied to Immich's socket.io with the user's key like an HTTP/1.1 upgrade, and closed like
/// one when the client's key is removed.
/// </summary>
public sealed class Http2WebSocketTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SocketIo_OverHttp2_IsProxiedWithTheUsersKeyAndEchoes()
    {
        await using var gateway = new Http2GatewayFactory();
        await gateway.InitializeAsync();

        var (socket, greeting) = await gateway.ConnectSocketIoOverHttp2Async(TestUsers.BobFrame);
        using (socket)
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes("42[\"ping\"]"), WebSocketMessageType.Text, true, Cancel);
            var echo = await KestrelGatewayFactory.ReceiveTextAsync(socket);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, Cancel);

            Assert.Equal(HttpStatusCode.OK, socket.HttpStatusCode); // an extended CONNECT's 200, where HTTP/1.1 says 101
            Assert.Contains(TestUsers.Bob.Id, greeting);
            Assert.Equal("42[\"ping\"]", echo);
        }
        var handshake = gateway.Immich.Requests.Last(r => r.Path.StartsWith("/api/socket.io") && r.Query.Contains("transport=websocket"));
        Assert.Equal(TestUsers.Bob.ImmichKey, handshake.Header("x-api-key"));
        Assert.DoesNotContain(handshake.Headers.Values, v => v.Contains(TestUsers.BobFrame.Key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SocketIo_OverHttp2_IsClosedWhenItsClientKeyIsRemoved()
    {
        await using var gateway = new Http2GatewayFactory();
        await gateway.InitializeAsync();
        var (socket, _) = await gateway.ConnectSocketIoOverHttp2Async(TestUsers.AliceKiosk);
        using var _socket = socket;

        gateway.WriteUsers(TestUsers.Configuration(TestUsers.AlicePhone));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(15)); // the file watcher's reload, not an expiry
        var closed = false;
        try
        {
            closed = (await socket.ReceiveAsync(new byte[4096], timeout.Token)).MessageType == WebSocketMessageType.Close;
        }
        catch (WebSocketException)
        {
            closed = true; // the stream was reset
        }
        catch (OperationCanceledException) when (!Cancel.IsCancellationRequested)
        {
        }
        Assert.True(closed, "the removed client's HTTP/2 WebSocket stayed open");
    }
}
