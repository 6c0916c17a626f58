using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Proxy;

/// <summary>Uploads, early answers, WebSockets and raw paths, on real sockets.</summary>
public sealed class StreamingTests(KestrelGatewayFactory gateway) : IClassFixture<KestrelGatewayFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Upload_LargerThanKestrelsDefaultLimit_StreamsThroughByteIdentical()
    {
        using var client = gateway.CreateClient(TestUsers.AliceKiosk);
        const long size = 48L * 1024 * 1024; // Kestrel's default limit is 30 MB
        using var body = new GeneratedStream(size, seed: 7);
        var marker = Guid.NewGuid().ToString("N");
        using var content = Multipart(body, marker);

        var response = await client.PostAsync($"/api/assets?marker={marker}", content, Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var seen = Assert.Single(gateway.Immich.RequestsMatching(marker));
        Assert.Equal(TestUsers.Alice.ImmichKey, seen.Header("x-api-key"));
        Assert.True(seen.BodyLength > size);
        Assert.StartsWith("multipart/form-data; boundary=", seen.Header("content-type"));
        Assert.Contains("name=assetData", seen.BodyText);
    }

    [Fact]
    public async Task DatabaseBackupUpload_LargerThanKestrelsDefaultLimit_StreamsThrough()
    {
        // Immich's other upload route (an admin restoring a database backup): no size limit in Immich either.
        using var client = gateway.CreateClient(TestUsers.AdaCli);
        const long size = 40L * 1024 * 1024;
        using var body = new GeneratedStream(size, seed: 5);
        using var content = new MultipartFormDataContent();
        content.Add(new StreamContent(body), "file", "immich-db-backup.sql.gz");
        var marker = Guid.NewGuid().ToString("N");

        var response = await client.PostAsync($"/api/admin/database-backups/upload?marker={marker}", content, Cancel);

        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancel)}");
        var seen = Assert.Single(gateway.Immich.RequestsMatching(marker));
        Assert.Equal(TestUsers.Ada.ImmichKey, seen.Header("x-api-key"));
        Assert.True(seen.BodyLength > size, $"Immich received {seen.BodyLength} bytes");
    }

    [Fact]
    public async Task Upload_ChunkedBody_ArrivesWithTheSameBytes()
    {
        using var client = gateway.CreateClient(TestUsers.AliceKiosk);
        var marker = Guid.NewGuid().ToString("N");
        var bytes = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);
        using var content = new StreamContent(new NonSeekableStream(bytes));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");

        var response = await client.PostAsync($"/api/assets?marker={marker}", content, Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var seen = Assert.Single(gateway.Immich.RequestsMatching(marker));
        Assert.Equal(bytes.Length, seen.BodyLength);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), seen.BodySha256);
    }

    [Fact]
    public async Task Upload_OfADuplicate_GetsImmichsEarlyAnswerBeforeTheBodyIsSent()
    {
        using var client = gateway.CreateClient(TestUsers.AdaCli);
        var marker = Guid.NewGuid().ToString("N");
        using var body = new GeneratedStream(64L * 1024 * 1024, seed: 3);
        using var content = Multipart(body, marker);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/assets?marker={marker}") { Content = content };
        request.Headers.Add("x-immich-checksum", FakeImmich.KnownChecksum);

        var response = await client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        Assert.Equal("duplicate", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(-1, Assert.Single(gateway.Immich.RequestsMatching(marker)).BodyLength); // Immich answered unread
    }

    [Fact]
    public async Task NonUploadRoute_WithBodyOverTheLimit_Is413AndNotForwarded()
    {
        // The client waits for the refusal however busy the machine is (HttpClient's default: 1 s, then it sends anyway
        // and may hit the closed socket instead of reading the 413).
        using var client = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = gateway.ServerAddress,
        };
        client.DefaultRequestHeaders.Add("x-api-key", TestUsers.AliceKiosk.Key);
        var marker = Guid.NewGuid().ToString("N");
        using var content = new StreamContent(new GeneratedStream(31L * 1024 * 1024, seed: 1));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentLength = 31L * 1024 * 1024;

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/search/metadata?marker={marker}") { Content = content };
        request.Headers.ExpectContinue = true; // so the client reads the refusal instead of pushing 31 MB into a closed socket

        var response = await client.SendAsync(request, Cancel);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty(gateway.Immich.RequestsMatching(marker));
    }

    [Fact]
    public async Task WebSocket_ToSocketIo_IsProxiedWithTheUsersKeyAndEchoes()
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("x-api-key", TestUsers.BobFrame.Key);
        var url = gateway.SocketIoUrl;

        await socket.ConnectAsync(url, Cancel);
        var greeting = await KestrelGatewayFactory.ReceiveTextAsync(socket);
        await socket.SendAsync(Encoding.UTF8.GetBytes("42[\"ping\"]"), WebSocketMessageType.Text, true, Cancel);
        var echo = await KestrelGatewayFactory.ReceiveTextAsync(socket);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, Cancel);

        Assert.Contains(TestUsers.Bob.Id, greeting);
        Assert.Equal("42[\"ping\"]", echo);
        var handshake = gateway.Immich.Requests.Last(r => r.Path.StartsWith("/api/socket.io") && r.Query.Contains("transport=websocket"));
        Assert.Equal(TestUsers.Bob.ImmichKey, handshake.Header("x-api-key"));
    }

    [Fact]
    public async Task WebSocket_WithoutKey_IsRefusedBeforeTheUpgrade()
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var url = gateway.SocketIoUrl;

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(url, Cancel));

        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
    }

    [Fact]
    public async Task SocketIoPolling_IsProxiedWithTheUsersKey()
    {
        using var client = gateway.CreateClient(TestUsers.BobFrame);
        var marker = Guid.NewGuid().ToString("N");

        var response = await client.GetAsync($"/api/socket.io/?EIO=4&transport=polling&marker={marker}", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(TestUsers.Bob.Id, await response.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(TestUsers.Bob.ImmichKey, Assert.Single(gateway.Immich.RequestsMatching(marker)).Header("x-api-key"));
    }

    [Theory]
    [InlineData("/api/albums%2F..%2Fusers")]
    [InlineData("/api/albums%2fx")]
    [InlineData("/api/./albums")]
    [InlineData("/api/albums/../users/me")]
    [InlineData("/api/albums/%2e%2e/users/me")]
    [InlineData("/api//albums")]
    [InlineData("/api/albums%5Cx")]
    [InlineData("http://localhost/api/albums/../users/me")] // absolute form: the server resolves it before the gateway sees the path
    [InlineData("http://localhost/api/albums/%2e%2e/auth/login")]
    [InlineData("http://localhost/api//albums")]
    public async Task AmbiguousPath_Is400AndNotForwarded(string rawPath)
    {
        var marker = Guid.NewGuid().ToString("N");

        var (status, body) = await SendRawAsync($"GET {rawPath}?marker={marker} HTTP/1.1\r\nHost: localhost\r\nx-api-key: {TestUsers.AliceKiosk.Key}\r\nConnection: close\r\n\r\n");

        Assert.Equal(400, status);
        Assert.Contains("application/problem+json", body);
        Assert.Empty(gateway.Immich.RequestsMatching(marker));
    }

    [Theory]
    [InlineData("/api/users/me/")]
    [InlineData("http://localhost/api/users/me")]
    public async Task PlainPath_ThroughTheRawSocket_IsForwarded(string target)
    {
        var marker = Guid.NewGuid().ToString("N");

        var (status, _) = await SendRawAsync($"GET {target}?marker={marker} HTTP/1.1\r\nHost: localhost\r\nx-api-key: {TestUsers.AliceKiosk.Key}\r\nConnection: close\r\n\r\n");

        Assert.Equal(200, status);
        Assert.Single(gateway.Immich.RequestsMatching(marker));
    }

    private async Task<(int Status, string Response)> SendRawAsync(string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(gateway.ServerAddress.Host, gateway.ServerAddress.Port, Cancel);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), Cancel);
        using var reader = new StreamReader(stream);
        var response = await reader.ReadToEndAsync(Cancel);
        return (int.Parse(response.Split(' ')[1]), response);
    }

    private static MultipartFormDataContent Multipart(Stream file, string name)
    {
        var content = new MultipartFormDataContent();
        var part = new StreamContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        content.Add(part, "assetData", $"{name}.jpg");
        content.Add(new StringContent("2025-04-17T10:27:00.000Z"), "fileCreatedAt");
        content.Add(new StringContent("2025-04-17T10:27:00.000Z"), "fileModifiedAt");
        return content;
    }
}
