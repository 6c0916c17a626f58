using System.Net;
using System.Net.Http.Headers;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Proxy;

/// <summary>The same gateway twice, on an HTTP/1.1 endpoint and on an HTTP/2 one, each in front of its own fake Immich.</summary>
public sealed class Http1AndHttp2Gateways : IAsyncLifetime
{
    public KestrelGatewayFactory Http1 { get; } = new();

    public Http2GatewayFactory Http2 { get; } = new();

    public async ValueTask InitializeAsync()
    {
        await Http1.InitializeAsync();
        await Http2.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Http1.DisposeAsync();
        await Http2.DisposeAsync();
    }
}

/// <summary>
/// What a client gets does not depend on the HTTP version it speaks: every kind of answer (proxied JSON, cached and
/// conditional and partial images, ranges of a video, translated routes, screens, the gateway's own refusals) comes
/// back over HTTP/2 with the status, content type, body and significant headers it has over HTTP/1.1.
/// </summary>
public sealed class Http2SameAnswersTests(Http1AndHttp2Gateways gateways) : IClassFixture<Http1AndHttp2Gateways>
{
    private static readonly string Asset = FakeImmich.AlbumOneAssets[0];

    public static TheoryData<string, string, string?> Requests => new()
    {
        { "GET", "/api/albums", null },
        { "GET", $"/api/albums/{FakeImmich.AlbumOne}", null },
        { "GET", $"/api/assets/{Asset}/thumbnail", null },
        { "GET", $"/api/assets/{Asset}/thumbnail?size=preview&format=webp", null },
        { "GET", $"/api/assets/{Asset}/thumbnail", "Range: bytes=0-99" },
        { "HEAD", $"/api/assets/{Asset}/thumbnail", null },
        { "GET", $"/api/assets/{Asset}/original", "Range: bytes=100-199" },
        { "GET", $"/api/assets/{Asset}/video/playback", "Range: bytes=0-1023" },
        { "GET", "/bff/albums", null },
        { "GET", $"/bff/albums/{FakeImmich.AlbumOne}", null },
        { "GET", "/api/server/version", null },
        { "GET", "/api/albums/not-a-uuid", null },
        { "DELETE", "/api/api-keys/00000000-0000-4000-8000-000000000000", null },
        { "GET", "/api/..%2Fadmin", null },
        { "PATCH", "/bff/albums", null },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Answer_OverHttp2_IsTheAnswerOverHttp1(string method, string path, string? header)
    {
        var one = await SendAsync(gateways.Http1.CreateClient(TestUsers.AliceKiosk), HttpVersion.Version11, method, path, header);
        var two = await SendAsync(gateways.Http2.CreateHttp2Client(TestUsers.AliceKiosk), HttpVersion.Version20, method, path, header);

        Assert.Equal(HttpVersion.Version20, two.Version);
        Assert.Equal(one.Summary, two.Summary);
        Assert.Equal(one.Body, two.Body);
    }

    /// <summary>
    /// A conditional thumbnail request gets Immich's own 304 while the gateway has nothing cached (a browser's cache
    /// outlives a restarted gateway's), and the gateway's 304 once it has. One asset per case: nothing else asks for it.
    /// </summary>
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    public async Task ConditionalThumbnail_OverHttp2_IsTheAnswerOverHttp1(int asset, bool cachedFirst)
    {
        var path = $"/api/assets/{FakeImmich.AlbumOneAssets[asset]}/thumbnail";
        const string ifNoneMatch = "If-None-Match: W/\"284-1a21ca6b058\""; // the recorded thumbnail's ETag
        if (cachedFirst)
        {
            await SendAsync(gateways.Http1.CreateClient(TestUsers.AliceKiosk), HttpVersion.Version11, "GET", path, null);
            await SendAsync(gateways.Http2.CreateHttp2Client(TestUsers.AliceKiosk), HttpVersion.Version20, "GET", path, null);
        }

        var one = await SendAsync(gateways.Http1.CreateClient(TestUsers.AliceKiosk), HttpVersion.Version11, "GET", path, ifNoneMatch);
        var two = await SendAsync(gateways.Http2.CreateHttp2Client(TestUsers.AliceKiosk), HttpVersion.Version20, "GET", path, ifNoneMatch);

        Assert.StartsWith("304 |", one.Summary);
        Assert.Contains(cachedFirst ? "x-cache=hit" : "x-cache= ", one.Summary);
        Assert.Equal(one.Summary, two.Summary);
        Assert.Empty(two.Body);
    }

    private static async Task<(Version Version, string Summary, byte[] Body)> SendAsync(HttpClient http, Version version, string method, string path, string? header)
    {
        using (http)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
            if (header is not null)
            {
                request.Headers.TryAddWithoutValidation(header.Split(": ")[0], header.Split(": ")[1]);
            }
            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
            if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
            {
                body = System.Text.Encoding.UTF8.GetBytes(System.Text.RegularExpressions.Regex.Replace(
                    System.Text.Encoding.UTF8.GetString(body), "\"traceId\":\"[^\"]*\"", "\"traceId\":\"…\"")); // per request
            }
            string? Header(string name) =>
                response.Headers.NonValidated.TryGetValues(name, out var values) || response.Content.Headers.NonValidated.TryGetValues(name, out values)
                    ? string.Join(", ", values)
                    : null;
            var summary = string.Join(" | ", new[] { ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) }
                .Concat(new[] { "content-type", "content-length", "content-range", "etag", "cache-control", "content-disposition", "x-cache", "allow", "www-authenticate", "location" }
                    .Select(name => $"{name}={Header(name)}")));
            return (response.Version, summary, body);
        }
    }
}
