using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using ImmichGateway.Tests.Fixtures;
using Microsoft.AspNetCore.Http;

namespace ImmichGateway.Tests.Reference;

/// <summary>
/// The reference album (<c>GET /api/albums/{id}</c>: Immich's album plus every asset, paged from Immich's search) on
/// real Kestrel sockets: each page reaches the client as soon as Immich gave it, and a page failing after the answer
/// began cuts the answer rather than ending it as if the list were whole.
/// </summary>
public sealed partial class AlbumStreamingTests : IAsyncLifetime
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private readonly KestrelGatewayFactory _gateway = new();

    public async ValueTask InitializeAsync() => await _gateway.InitializeAsync();

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task TheFirstPage_ReachesTheClient_WhileImmichStillWorksOnTheSecond()
    {
        var album = _gateway.Immich.AddAlbum(1500, TestUsers.Ada, members: (TestUsers.Bob, "viewer"));
        var secondPage = new TaskCompletionSource();
        var secondAsked = new TaskCompletionSource();
        _gateway.Immich.Intercepts["searchAssets"] = async (_, body) =>
        {
            if (Encoding.UTF8.GetString(body).Contains("\"page\":2"))
            {
                secondAsked.TrySetResult();
                await secondPage.Task; // Immich is slow with page 2
            }
            return false;
        };
        using var client = _gateway.CreateClient(TestUsers.BobFrame);

        using var response = await client.GetAsync($"/api/albums/{album.Id}", HttpCompletionOption.ResponseHeadersRead, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync(Cancel);
        using var firstPageDeadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        firstPageDeadline.CancelAfter(TimeSpan.FromSeconds(20)); // only a hang would take this long
        var received = await ReadUntilAsync(stream, text => AssetCount(text) >= 1000, firstPageDeadline.Token);
        await secondAsked.Task.WaitAsync(firstPageDeadline.Token);

        Assert.Equal(1000, AssetCount(received)); // the whole first page, and nothing of the second yet
        secondPage.SetResult();
        var rest = await new StreamReader(stream).ReadToEndAsync(Cancel);
        Assert.Equal(1500, AssetCount(received + rest));
        Assert.EndsWith("]}", rest);
    }

    [Fact]
    public async Task ALaterPageFailing_CutsTheAnswer_AndIsLogged()
    {
        var album = _gateway.Immich.AddAlbum(1500, TestUsers.Ada, members: (TestUsers.Bob, "viewer"));
        _gateway.Immich.Intercepts["searchAssets"] = async (context, body) =>
        {
            if (!Encoding.UTF8.GetString(body).Contains("\"page\":2"))
            {
                return false;
            }
            context.Response.StatusCode = 500;
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync("""{"message":"Internal server error","statusCode":500}""");
            return true;
        };
        using var client = _gateway.CreateClient(TestUsers.BobFrame);

        using var response = await client.GetAsync($"/api/albums/{album.Id}", HttpCompletionOption.ResponseHeadersRead, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // the first page was on its way
        var cut = await Assert.ThrowsAsync<HttpRequestException>(() => response.Content.ReadAsStringAsync(Cancel)); // not a short list ending "]}"
        Assert.IsAssignableFrom<IOException>(cut.InnerException);

        Assert.True(await GatewayFactory.EventuallyAsync(() => Task.FromResult(_gateway.Logs.Events.Any(e =>
            e.EventId.Id == 1301 && e.State.GetValueOrDefault("Album") == album.Id.ToString() && e.State.GetValueOrDefault("Written") == "1000"))));
    }

    private static int AssetCount(string json) => OriginalFileName().Count(json);

    private static async Task<string> ReadUntilAsync(Stream stream, Func<string, bool> enough, CancellationToken cancel)
    {
        var text = new StringBuilder();
        var buffer = new byte[16 * 1024];
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = new char[buffer.Length];
        while (!enough(text.ToString()))
        {
            var read = await stream.ReadAsync(buffer, cancel);
            Assert.NotEqual(0, read);
            text.Append(chars, 0, decoder.GetChars(buffer, 0, read, chars, 0));
        }
        return text.ToString();
    }

    [GeneratedRegex("\"originalFileName\":")]
    private static partial Regex OriginalFileName();
}
