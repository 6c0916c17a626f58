using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Reference;

/// <summary>
/// On HTTP/2 a request body needs neither Content-Length nor Transfer-Encoding (the stream's frames carry it). A
/// translated route must still see it: it is forwarded byte for byte, not dropped as absent.
/// </summary>
public sealed class Http2BodyTests(Http2GatewayFactory gateway) : IClassFixture<Http2GatewayFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task JsonBody_WithoutALength_OnHttp2_IsForwardedToImmich()
    {
        using var http = gateway.CreateHttp2Client(TestUsers.AdaCli);
        var json = """{"albumName":"Renamed over HTTP/2"}""";
        using var content = new UnknownLengthContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var album = gateway.Immich.AddAlbum(0, TestUsers.Ada, withCover: false);
        var before = gateway.Immich.Requests.Count;

        using var response = await http.PutAsync($"/api/albums/{album.Id}", content, Cancel);

        Assert.Equal((HttpVersion.Version20, HttpStatusCode.OK), (response.Version, response.StatusCode));
        Assert.Null(content.Headers.ContentLength);
        var seen = Assert.Single(gateway.Immich.RequestsSince(before));
        Assert.Equal(("PATCH", $"/api/albums/{album.Id}", json), (seen.Method, seen.Path, seen.BodyText));
    }

    /// <summary>A body whose length HttpClient cannot know in advance, so it sends none.</summary>
    private sealed class UnknownLengthContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
