using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ImmichGateway.Tests.Fixtures;

/// <summary>
/// The gateway on real Kestrel sockets, for what TestServer cannot show: WebSocket upgrades, Kestrel's body limits,
/// raw request targets.
/// </summary>
public class KestrelGatewayFactory : GatewayFactory
{
    public KestrelGatewayFactory() => UseKestrel(0);

    protected override Uri ClientBaseAddress => ServerAddress;

    public Uri ServerAddress
    {
        get
        {
            StartServer();
            return new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        }
    }

    /// <summary>socket.io's WebSocket endpoint on this gateway.</summary>
    public Uri SocketIoUrl => new UriBuilder(ServerAddress) { Scheme = "ws", Path = "/api/socket.io/", Query = "EIO=4&transport=websocket" }.Uri;

    /// <summary>A WebSocket opened as <paramref name="client"/>, its greeting already read.</summary>
    public async Task<ClientWebSocket> ConnectSocketIoAsync(TestClient client)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("x-api-key", client.Key);
        await socket.ConnectAsync(SocketIoUrl, TestContext.Current.CancellationToken);
        await ReceiveTextAsync(socket);
        return socket;
    }

    /// <summary>Whether the gateway closes or cuts <paramref name="socket"/> within <see cref="GatewayFactory.ReloadDeadline"/>.</summary>
    public static async Task<bool> ReceiveUntilClosedAsync(ClientWebSocket socket)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(ReloadDeadline);
        try
        {
            var result = await socket.ReceiveAsync(new byte[4096], timeout.Token);
            return result.MessageType == WebSocketMessageType.Close;
        }
        catch (WebSocketException)
        {
            return true; // the connection (or the HTTP/2 stream) was cut
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public static async Task<string> ReceiveTextAsync(ClientWebSocket socket)
    {
        var buffer = new byte[16 * 1024];
        var result = await socket.ReceiveAsync(buffer, TestContext.Current.CancellationToken);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }
}
