using System.Net;
using System.Net.Sockets;
using System.Text;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Reference;

/// <summary>
/// The translated reference routes answer HEAD as their GET does (not passed to Immich untranslated), and a client's
/// broken body on a route whose body the gateway streams to Immich itself is the client's 400 or 413: neither "Immich
/// is unreachable" nor a failure that opens the circuit breaker for every user.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ReferenceHeadAndBodyTests(GatewayFactory gateway)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // HEAD on the translated reference GET routes

    /// <summary>
    /// A reference route answered by the gateway for GET must answer HEAD the same way (RFC 9110 §9.3.2; Immich/Express,
    /// the old Immich the reference describes and the gateway's own /bff screens all do). Today HEAD misses the
    /// minimal-API GET endpoint and goes to Immich verbatim: 404 "Cannot HEAD /api/assets", 404 for the archive, and
    /// Immich's own album (no assets, another length and ETag).
    /// </summary>
    [Theory]
    [InlineData("/api/assets?page=1&size=2")]
    [InlineData("/api/download/archive?assetIds={asset}")]
    [InlineData("/api/download/info?assetIds={asset}")]
    [InlineData("/api/search/metadata")]
    [InlineData("/api/albums/{album}")]
    [InlineData("/api/assets/{asset}/thumbnail?format=jpeg")]
    [InlineData("/api/server-info/features")]
    public async Task HeadOnATranslatedReferenceRoute_AnswersAsItsGetDoes(string url)
    {
        url = url.Replace("{asset}", FakeImmich.AlbumOneAssets[0]).Replace("{album}", FakeImmich.AlbumOne.ToString());
        using var client = gateway.CreateClient(TestUsers.AliceKiosk);

        using var get = await client.GetAsync(url, Cancel);
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, url), Cancel);

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(get.StatusCode, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
    }

    /// <summary>
    /// The reference health check is anonymous for GET; an uptime monitor that checks with HEAD (curl -I, most monitors'
    /// "HEAD" mode) is told 401 "Authentication required", because HEAD falls through to the proxy, where
    /// /api/server-info/ping is not a public route.
    /// </summary>
    [Fact]
    public async Task AnonymousHeadOnTheReferencePing_IsNotRefused()
    {
        using var anonymous = gateway.CreateAnonymousClient();

        using var get = await anonymous.GetAsync("/api/server-info/ping", Cancel);
        using var head = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/server-info/ping"), Cancel);

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }

    // A client's broken body on the reference profile-image route

    private static string MalformedProfileImage(TestClient client) =>
        $"PUT /api/users/{client.User.Id}/profile-image HTTP/1.1\r\nHost: x\r\nx-api-key: {client.Key}\r\n" +
        "Content-Type: multipart/form-data; boundary=XX\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
        "5\r\n--XX\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"; // the second chunk's size is not hex

    /// <summary>
    /// The multipart body is streamed to Immich unread; when the client's chunked framing is broken Kestrel throws a
    /// BadHttpRequestException inside HttpClient, which wraps it in an HttpRequestException, and the exception handler
    /// answers 502 "Immich is unreachable" (logged and counted against Immich). It is the client's 400.
    /// </summary>
    [Fact]
    public async Task ProfileImage_WithAMalformedChunkedBody_Is400NotImmichUnreachable()
    {
        await using var kestrel = new KestrelGatewayFactory();
        await kestrel.InitializeAsync();

        var response = await RawAsync(kestrel.ServerAddress, MalformedProfileImage(TestUsers.AliceKiosk));

        Assert.StartsWith("HTTP/1.1 400 ", response);
        Assert.Contains("application/problem+json", response);
    }

    /// <summary>
    /// Same route, a body over Gateway:MaxRequestBodySize (no Content-Length, so only Kestrel's limit stops it while
    /// HttpClient streams it): 502 "Immich is unreachable" instead of the documented 413.
    /// </summary>
    [Fact]
    public async Task ProfileImage_OverTheBodyLimit_Is413NotImmichUnreachable()
    {
        await using var kestrel = new KestrelGatewayFactory();
        kestrel.Settings["Gateway:MaxRequestBodySize"] = "4096";
        await kestrel.InitializeAsync();
        var part = "--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n" +
                   new string('a', 10_000) + "\r\n--XX--\r\n";
        var request = $"PUT /api/users/{TestUsers.Alice.Id}/profile-image HTTP/1.1\r\nHost: x\r\nx-api-key: {TestUsers.AliceKiosk.Key}\r\n" +
                      "Content-Type: multipart/form-data; boundary=XX\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
                      $"{Encoding.ASCII.GetByteCount(part):x}\r\n{part}\r\n0\r\n\r\n";

        var response = await RawAsync(kestrel.ServerAddress, request);

        Assert.StartsWith("HTTP/1.1 413 ", response);
    }

    /// <summary>
    /// Worse: each such request is an HttpRequestException inside the typed client's resilience pipeline, which the
    /// circuit breaker counts as an Immich failure. One client with a valid key sending ~50 broken bodies opens the
    /// breaker for the whole gateway: every other user's /bff screens and translated routes get 503 "Immich is
    /// unavailable" while Immich is perfectly healthy.
    /// </summary>
    [Fact]
    public async Task OneClientsBrokenBodies_DoNotOpenTheCircuitBreakerForOtherUsers()
    {
        await using var kestrel = new KestrelGatewayFactory();
        await kestrel.InitializeAsync();
        for (var i = 0; i < 120; i++)
        {
            await RawAsync(kestrel.ServerAddress, MalformedProfileImage(TestUsers.AliceKiosk));
        }

        using var bob = kestrel.CreateClient(TestUsers.BobFrame);
        using var overview = await bob.GetAsync("/bff/overview", Cancel);

        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
    }

    private static async Task<string> RawAsync(Uri server, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, Cancel);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request), Cancel);
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, timeout.Token)) > 0)
            {
                buffer.Write(chunk, 0, read);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // cut or hung: the caller asserts on what arrived
        }
        return Encoding.Latin1.GetString(buffer.ToArray());
    }
}
