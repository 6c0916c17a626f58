using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ImmichGateway.Tests.Fixtures;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ImmichGateway.Tests.Proxy;

/// <summary>
/// On the proxy path, what is the client's doing stays the client's, and what is Immich's stays Immich's: a broken
/// request body is the client's 400, not an upstream error in the metrics; an error Immich sends without a body passes
/// as sent, not replaced by the gateway's problem page.
/// </summary>
public sealed class ClientFaultTests : IAsyncLifetime
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private readonly KestrelGatewayFactory _gateway = new();

    public async ValueTask InitializeAsync() => await _gateway.InitializeAsync();

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task MalformedChunkedBody_Is400Problem_AndNoUpstreamError()
    {
        var errors = new List<string?>();
        using var listener = new MeterListener();
        var meters = _gateway.Services.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == "immich_gateway.upstream_errors")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            lock (errors)
            {
                errors.Add(tags.ToArray().FirstOrDefault(t => t.Key == "error").Value as string);
            }
        });
        listener.Start();

        var response = await RawAsync(_gateway.ServerAddress,
            $"POST /api/albums HTTP/1.1\r\nHost: x\r\nx-api-key: {TestUsers.AliceKiosk.Key}\r\nContent-Type: application/json\r\n" +
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\nzz\r\n"); // the second chunk's size is not hex

        Assert.StartsWith("HTTP/1.1 400 ", response);
        Assert.Contains("application/problem+json", response);
        lock (errors)
        {
            Assert.Empty(errors);
        }
        Assert.DoesNotContain(_gateway.Logs.Events, e => e.EventId.Id == 1002); // "Forwarding … to Immich failed"
    }

    [Fact]
    public async Task ImmichErrorWithoutABody_PassesAsSent_NotAsTheGatewaysProblem()
    {
        _gateway.Immich.Intercepts["getAllAlbums"] = async (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.StartAsync(); // no length, no type: chunked and empty
            return true;
        };
        using var client = _gateway.CreateClient(TestUsers.AliceKiosk);

        var response = await client.GetAsync("/api/albums", Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Null(response.Content.Headers.ContentType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Cancel));
    }

    [Fact]
    public async Task ImmichStallingMidAnswer_OnARouteTheGatewayAnswers_CutsTheAnswer_AfterRequestTimeout()
    {
        await using var gateway = new KestrelGatewayFactory();
        gateway.Settings["Immich:RequestTimeout"] = "00:00:01";
        await gateway.InitializeAsync();
        gateway.Immich.Intercepts["getServerFeatures"] = async (context, _) =>
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync("{\"search\":true,", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted); // and then nothing
            return true;
        };
        using var client = gateway.CreateClient(TestUsers.AliceKiosk);

        using var response = await client.GetAsync("/api/server-info/features", HttpCompletionOption.ResponseHeadersRead, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(20)); // only a hang takes this long
        var cut = await Assert.ThrowsAsync<HttpRequestException>(() => response.Content.ReadAsStringAsync(deadline.Token));

        Assert.IsAssignableFrom<IOException>(cut.InnerException);
    }

    private static async Task<string> RawAsync(Uri server, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, Cancel);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request), Cancel);
        using var reader = new StreamReader(stream, Encoding.Latin1);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(10)); // only a hang takes this long
        return await reader.ReadToEndAsync(timeout.Token);
    }
}
