using System.Net;
using System.Text;
using ImmichGateway.Tests.Fixtures;
using Microsoft.AspNetCore.Http;

namespace ImmichGateway.Tests.Audit;

/// <summary>
/// The audit event of an answer cut after its status went out (Immich stalled or broke off mid-body and the gateway
/// cut the client's connection) says so: its status alone (200) would read as if all was well.
/// </summary>
public sealed class AuditCutAnswerTests : IAsyncLifetime
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
    [InlineData(false)] // Immich goes silent: the proxy's idle timeout cuts the answer
    [InlineData(true)]  // Immich breaks off: the answer is cut at once
    public async Task ProxiedAnswerCutMidBody_IsAuditedAsAborted(bool immichBreaksOff)
    {
        var clientHasTheStart = new TaskCompletionSource();
        _gateway.Immich.Intercepts["getAllAlbums"] = async (context, _) =>
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync("[{\"id\":", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await clientHasTheStart.Task.WaitAsync(context.RequestAborted); // the answer has begun at the client's end
            if (immichBreaksOff)
            {
                context.Abort();
                return true;
            }
            await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted); // and then nothing
            return true;
        };
        using var client = _gateway.CreateClient(TestUsers.AliceKiosk);

        using var response = await client.GetAsync("/api/albums", HttpCompletionOption.ResponseHeadersRead, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(20)); // only a hang takes this long
        await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
        Assert.NotEqual(0, await body.ReadAsync(new byte[64], deadline.Token));
        clientHasTheStart.SetResult();
        await Assert.ThrowsAnyAsync<IOException>(() => new StreamReader(body).ReadToEndAsync(deadline.Token));

        var audit = await AuditEventAsync("/api/albums");
        Assert.Equal("200", audit.State["StatusCode"]);
        Assert.Equal("aborted", audit.State["Outcome"]);
        Assert.EndsWith("(aborted)", audit.Message);
    }

    [Fact]
    public async Task AnswerTheGatewayComposesCutMidBody_IsAuditedAsAborted()
    {
        var album = _gateway.Immich.AddAlbum(1500, TestUsers.Ada, members: (TestUsers.Bob, "viewer"));
        _gateway.Immich.Intercepts["searchAssets"] = async (context, body) =>
        {
            if (!Encoding.UTF8.GetString(body).Contains("\"page\":2"))
            {
                return false;
            }
            context.Response.StatusCode = 500; // the reference album's second page fails: its answer is cut
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync("""{"message":"Internal server error","statusCode":500}""");
            return true;
        };
        using var client = _gateway.CreateClient(TestUsers.BobFrame);
        var path = $"/api/albums/{album.Id}";

        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => response.Content.ReadAsStringAsync(Cancel));

        var audit = await AuditEventAsync(path);
        Assert.Equal("200", audit.State["StatusCode"]);
        Assert.Equal("aborted", audit.State["Outcome"]);
    }

    [Fact]
    public async Task AnAnswerSentWhole_IsAuditedAsComplete()
    {
        using var client = _gateway.CreateClient(TestUsers.AliceKiosk);

        var response = await client.GetAsync("/api/albums", Cancel);
        await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var audit = await AuditEventAsync("/api/albums");
        Assert.Equal("200", audit.State["StatusCode"]);
        Assert.Equal("complete", audit.State["Outcome"]);
        Assert.EndsWith("(complete)", audit.Message);
    }

    private async Task<LogSink.LogEvent> AuditEventAsync(string path)
    {
        bool Audited(LogSink.LogEvent e) => e.EventId.Id == 6001 && e.State.GetValueOrDefault("Path") == path;
        Assert.True(await GatewayFactory.EventuallyAsync(() => Task.FromResult(_gateway.Logs.Events.Any(Audited))), "no audit event");
        return Assert.Single(_gateway.Logs.Events, Audited);
    }
}
