using System.Net;
using ImmichGateway.Tests.Fixtures;
using Microsoft.AspNetCore.Http;

namespace ImmichGateway.Tests.Caching;

/// <summary>
/// Statistics and public server info are fetched once for everyone who asks meanwhile. Immich sending the headers of
/// that answer and then going silent or breaking off must end the fetch — a 504 or 502 problem — after
/// <c>Immich:RequestTimeout</c> at most, not hold every caller until they give up.
/// </summary>
public sealed class ServerInfoStallTests : IAsyncLifetime
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
    [InlineData("getServerStatistics", "/api/server/statistics", false, HttpStatusCode.GatewayTimeout)]
    [InlineData("getServerStatistics", "/api/server/statistics", true, HttpStatusCode.BadGateway)]
    [InlineData("getServerFeatures", "/api/server/features", false, HttpStatusCode.GatewayTimeout)]
    [InlineData("getServerFeatures", "/api/server/features", true, HttpStatusCode.BadGateway)]
    public async Task ImmichFailingInsideTheAnswer_EndsTheSharedFetch(string operation, string path, bool breaksOff, HttpStatusCode expected)
    {
        _gateway.Immich.Intercepts[operation] = (context, _) => ImmichMidAnswer.FailAsync(context, breaksOff, "{\"photos\":");
        using var client = _gateway.CreateClient(TestUsers.AdaCli);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(20)); // only a hang takes this long

        var responses = await Task.WhenAll(client.GetAsync(path, deadline.Token), client.GetAsync(path, deadline.Token));

        foreach (var response in responses)
        {
            await ProblemAssert.IsProblemAsync(response, expected);
        }
    }
}
