using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Proxy;

/// <summary>
/// The gateway on an HTTP/2 endpoint (browsers negotiate it over TLS). Uploads stream without a length, as HTTP/2
/// allows, past the 30 MB limit. WebSockets arrive as extended CONNECTs (RFC 8441, no Upgrade header): proxied to
/// Immich's socket.io with the user's key like an HTTP/1.1 upgrade, and closed like one when the client's key is removed.
/// </summary>
public sealed class Http2Tests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Upload_WithoutALength_OverHttp2_StreamsThroughWhole()
    {
        await using var gateway = new Http2GatewayFactory();
        await gateway.InitializeAsync();
        using var http = gateway.CreateHttp2Client(TestUsers.AliceKiosk);
        const long size = 40L * 1024 * 1024; // over Kestrel's default 30 MB
        using var form = new MultipartFormDataContent();
        var file = new StreamContent(new GeneratedStream(size, seed: 11)); // not seekable: no length is sent
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "assetData", "h2.jpg");
        var marker = Guid.NewGuid().ToString("N");

        using var response = await http.PostAsync($"/api/assets?marker={marker}", form, Cancel);

        Assert.Equal((HttpVersion.Version20, HttpStatusCode.Created), (response.Version, response.StatusCode));
        Assert.Null(form.Headers.ContentLength);
        var seen = Assert.Single(gateway.Immich.RequestsMatching(marker));
        Assert.Equal(TestUsers.Alice.ImmichKey, seen.Header("x-api-key"));
        Assert.True(seen.BodyLength > size, $"Immich received {seen.BodyLength} bytes");
        var stored = Assert.Single(gateway.Immich.Uploads, u => u.FileName == "h2.jpg");
        Assert.Equal(size, stored.Size);
    }

    [Fact]
    public async Task Upload_OfADuplicate_OverHttp2_GetsImmichsEarlyAnswerBeforeTheBodyIsSent()
    {
        await using var gateway = new Http2GatewayFactory();
        await gateway.InitializeAsync();
        using var http = gateway.CreateHttp2Client(TestUsers.AdaCli);
        using var form = new MultipartFormDataContent();
        var file = new StreamContent(new GeneratedStream(64L * 1024 * 1024, seed: 12));
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "assetData", "again.jpg");
        var marker = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/assets?marker={marker}")
        {
            Content = form,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Add("x-immich-checksum", FakeImmich.KnownChecksum);

        using var response = await http.SendAsync(request, Cancel);

        // Immich answers before it reads the body; the stream is then ended for the rest of the upload, not failed.
        Assert.Equal((HttpVersion.Version20, HttpStatusCode.OK), (response.Version, response.StatusCode));
        Assert.Contains("\"status\":\"duplicate\"", await response.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(-1, Assert.Single(gateway.Immich.RequestsMatching(marker)).BodyLength); // Immich answered unread
    }

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
        var (opened, _) = await gateway.ConnectSocketIoOverHttp2Async(TestUsers.AliceKiosk);
        using var socket = opened;
        using var kiosk = gateway.CreateHttp2Client(TestUsers.AliceKiosk);

        gateway.WriteUsers(TestUsers.Configuration(TestUsers.AlicePhone));
        var refused = await GatewayFactory.EventuallyAsync(async () => (await kiosk.GetAsync("/api/albums", Cancel)).StatusCode == HttpStatusCode.Unauthorized);
        var closed = await KestrelGatewayFactory.ReceiveUntilClosedAsync(socket);

        Assert.True(refused, "the removed key was still accepted");
        Assert.True(closed, "the removed client's HTTP/2 WebSocket stayed open");
    }
}
