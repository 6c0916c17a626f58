using System.Net;
using System.Text;
using ImmichGateway.Tests.Fixtures;
using Microsoft.AspNetCore.Http;

namespace ImmichGateway.Tests.Reference;

/// <summary>
/// The reference album (<c>GET /api/albums/{id}</c>) when Immich sends an answer's headers and then goes silent or
/// breaks off inside its body: <c>Immich:RequestTimeout</c> bounds the silence as on every other path. Before the
/// gateway's answer has begun, the client gets a problem (504 for silence, 502 for a broken answer); after, the answer
/// is cut and logged as the album listing's warning (1301). Never a hang, a 500 or an exception escaping.
/// </summary>
public sealed class AlbumStallTests : IAsyncLifetime
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private readonly KestrelGatewayFactory _gateway = new();

    public async ValueTask InitializeAsync()
    {
        _gateway.Settings["Immich:RequestTimeout"] = "00:00:01";
        await _gateway.InitializeAsync();
    }

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    [Theory]
    [InlineData("getAlbumInfo")] // the album itself
    [InlineData("searchAssets")] // the first page of its assets
    public async Task ImmichSilentInsideAnAnswer_BeforeTheAlbumBegan_Is504Problem(string operation)
    {
        var album = _gateway.Immich.AddAlbum(10, TestUsers.Ada, members: (TestUsers.Bob, "viewer"));
        _gateway.Immich.Intercepts[operation] = (context, _) => StallAsync(context);
        using var client = _gateway.CreateClient(TestUsers.BobFrame);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(20)); // only a hang takes this long

        var response = await client.GetAsync($"/api/albums/{album.Id}", deadline.Token);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.GatewayTimeout);
        Assert.DoesNotContain(_gateway.Logs.Events, e => e.EventId.Id == 1301);
    }

    [Fact]
    public async Task ImmichSilentInsideAnErrorAnswer_Is504Problem()
    {
        var album = _gateway.Immich.AddAlbum(10, TestUsers.Ada, members: (TestUsers.Bob, "viewer"));
        _gateway.Immich.Intercepts["getAlbumInfo"] = (context, _) => StallAsync(context, StatusCodes.Status400BadRequest);
        using var client = _gateway.CreateClient(TestUsers.BobFrame);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));

        var response = await client.GetAsync($"/api/albums/{album.Id}", deadline.Token);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.GatewayTimeout);
    }

    [Theory]
    [InlineData("getAlbumInfo")]
    [InlineData("searchAssets")]
    public async Task ImmichBreakingOffInsideAnAnswer_BeforeTheAlbumBegan_Is502Problem(string operation)
    {
        var album = _gateway.Immich.AddAlbum(10, TestUsers.Ada, members: (TestUsers.Bob, "viewer"));
        _gateway.Immich.Intercepts[operation] = (context, _) => BreakOffAsync(context);
        using var client = _gateway.CreateClient(TestUsers.BobFrame);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));

        var response = await client.GetAsync($"/api/albums/{album.Id}", deadline.Token);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadGateway);
    }

    [Theory]
    [InlineData(false)] // silent
    [InlineData(true)]  // broken off
    public async Task ImmichFailingInsideALaterPage_CutsTheAnswer_AndIsLogged(bool breaksOff)
    {
        var album = _gateway.Immich.AddAlbum(1500, TestUsers.Ada, members: (TestUsers.Bob, "viewer"));
        _gateway.Immich.Intercepts["searchAssets"] = (context, body) =>
            !Encoding.UTF8.GetString(body).Contains("\"page\":2") ? Task.FromResult(false)
            : breaksOff ? BreakOffAsync(context) : StallAsync(context);
        using var client = _gateway.CreateClient(TestUsers.BobFrame);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));

        using var response = await client.GetAsync($"/api/albums/{album.Id}", HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // the first page was on its way
        var cut = await Assert.ThrowsAsync<HttpRequestException>(() => response.Content.ReadAsStringAsync(deadline.Token));
        Assert.IsAssignableFrom<IOException>(cut.InnerException);

        Assert.True(await GatewayFactory.EventuallyAsync(() => Task.FromResult(_gateway.Logs.Events.Any(e =>
            e.EventId.Id == 1301 && e.State.GetValueOrDefault("Album") == album.Id.ToString() && e.State.GetValueOrDefault("Written") == "1000"))));
    }

    private static Task<bool> StallAsync(HttpContext context, int status = StatusCodes.Status200OK) =>
        ImmichMidAnswer.StallAsync(context, "{\"id\":", status);

    private static Task<bool> BreakOffAsync(HttpContext context) => ImmichMidAnswer.BreakOffAsync(context, "{\"id\":");
}
