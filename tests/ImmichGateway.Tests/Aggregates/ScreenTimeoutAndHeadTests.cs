using System.Net;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Aggregates;

/// <summary>
/// The screens answer within <c>Immich:RequestTimeout</c> (a 504 problem when Immich is slower, not the resilience
/// pipeline's own longer limits), and answer HEAD as GET, without a body.
/// </summary>
public sealed class ScreenTimeoutAndHeadTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ImmichSlowerThanRequestTimeout_Is504Problem()
    {
        await using var gateway = await GatewayFactory.StartAsync(("Immich:RequestTimeout", "00:00:01"));
        var cancelled = new TaskCompletionSource();
        gateway.Immich.Intercepts["getMyUser"] = async (context, _) =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted); // within the old limits: an answer after 20 s
            }
            catch (OperationCanceledException)
            {
                cancelled.TrySetResult(); // the gateway gave up and hung up
                throw;
            }
            return false;
        };
        using var client = gateway.CreateClient(TestUsers.AliceKiosk);

        var response = await client.GetAsync("/bff/overview", Cancel);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.GatewayTimeout);
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10), Cancel);
    }

    [Fact]
    public async Task RequestTimeoutOverTwelveHours_StopsStartUp_NamingTheSetting()
    {
        await using var gateway = new GatewayFactory();
        await gateway.InitializeAsync();
        gateway.Settings["Immich:RequestTimeout"] = "1.00:00:00";

        var error = Assert.ThrowsAny<Exception>(() => gateway.CreateClient(TestUsers.AliceKiosk));

        Assert.Contains("Immich:RequestTimeout", error.ToString());
    }

    [Theory]
    [InlineData("/bff/albums")]
    [InlineData("/bff/albums/{album}")]
    [InlineData("/bff/assets/{asset}")]
    [InlineData("/bff/overview")]
    public async Task Head_AnswersAsGetDoes_WithoutABody(string route)
    {
        await using var gateway = new KestrelGatewayFactory();
        await gateway.InitializeAsync();
        var url = route.Replace("{album}", FakeImmich.AlbumOne.ToString()).Replace("{asset}", FakeImmich.AlbumOneAssets[0]);
        using var client = gateway.CreateClient(TestUsers.AdaCli);

        using var get = await client.GetAsync(url, Cancel);
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, url), Cancel);

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync(Cancel));
    }
}
