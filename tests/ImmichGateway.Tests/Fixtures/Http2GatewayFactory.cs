using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ImmichGateway.Tests.Fixtures;

/// <summary>The gateway on an HTTP/2 endpoint (what Kestrel negotiates with browsers over TLS), spoken to with prior knowledge.</summary>
public sealed class Http2GatewayFactory : KestrelGatewayFactory
{
    public Http2GatewayFactory() => UseKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2));

    public HttpClient CreateHttp2Client(TestClient client)
    {
        var http = new HttpClient
        {
            BaseAddress = ServerAddress,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        http.DefaultRequestHeaders.Add("x-api-key", client.Key);
        return http;
    }

    /// <summary>A socket.io WebSocket opened over HTTP/2 (RFC 8441 extended CONNECT) as <paramref name="client"/>, its greeting read.</summary>
    public async Task<(ClientWebSocket Socket, string Greeting)> ConnectSocketIoOverHttp2Async(TestClient client)
    {
        var socket = new ClientWebSocket();
        socket.Options.HttpVersion = HttpVersion.Version20;
        socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("x-api-key", client.Key);
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler());
        await socket.ConnectAsync(SocketIoUrl, invoker, TestContext.Current.CancellationToken);
        return (socket, await ReceiveTextAsync(socket));
    }
}

