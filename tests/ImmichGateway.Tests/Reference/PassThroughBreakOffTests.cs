using System.Net;
using ImmichGateway.Tests.Fixtures;
using Microsoft.AspNetCore.Http;

namespace ImmichGateway.Tests.Reference;

/// <summary>
/// A translated route answered as Immich answered (<c>ImmichPassThrough</c>) when Immich sends its headers and then
/// goes silent or breaks off before the first byte of its body: nothing has gone to the client yet, so it gets a
/// problem (504 for silence past <c>Immich:RequestTimeout</c>, 502 for a broken answer) — not a 500, nor a connection
/// closed without an answer.
/// </summary>
public sealed class PassThroughBreakOffTests : IAsyncLifetime
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
    [InlineData(false, HttpStatusCode.GatewayTimeout)] // silent
    [InlineData(true, HttpStatusCode.BadGateway)]      // broken off
    public async Task ImmichFailingBeforeItsFirstBodyByte_IsAProblem(bool breaksOff, HttpStatusCode expected)
    {
        _gateway.Immich.Intercepts["getServerFeatures"] = (context, _) => ImmichMidAnswer.FailAsync(context, breaksOff); // the headers, not one byte more
        using var client = _gateway.CreateClient(TestUsers.BobFrame);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(20)); // only a hang takes this long

        var response = await client.GetAsync("/api/server-info/features", deadline.Token);

        await ProblemAssert.IsProblemAsync(response, expected);
    }

    /// <summary>After the first bytes went out, the answer is cut (the client sees it incomplete) and logged, not an
    /// exception escaping the pipeline.</summary>
    [Fact]
    public async Task ImmichBreakingOffAfterItsFirstBytes_CutsTheAnswer_AndIsLogged()
    {
        _gateway.Immich.Intercepts["getServerFeatures"] = (context, _) => ImmichMidAnswer.BreakOffAsync(context, "{\"search\":");
        using var client = _gateway.CreateClient(TestUsers.BobFrame);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));

        // The cut reaches the client as a reset, which may overtake the headers still in its socket's buffer: either
        // way, the client never takes the answer for a whole one.
        await Assert.ThrowsAsync<HttpRequestException>(async () =>
        {
            using var response = await client.GetAsync("/api/server-info/features", HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await response.Content.ReadAsStringAsync(deadline.Token);
        });

        Assert.True(await GatewayFactory.EventuallyAsync(() => Task.FromResult(_gateway.Logs.Events.Any(e =>
            e.EventId.Id == 1002 && e.State.GetValueOrDefault("Path") == "/api/server-info/features"))));
    }
}
