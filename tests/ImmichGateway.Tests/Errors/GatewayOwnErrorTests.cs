using System.Net;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Errors;

/// <summary>
/// Routes the gateway serves itself answer a missing route or a wrong method with a problem document, not an empty
/// body — and Immich is not asked about paths that are not its own.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayOwnErrorTests(GatewayFactory gateway)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/nothing-here")]
    [InlineData("/bff/no-such-screen")]
    [InlineData("/swagger/no-such-file.css")]
    public async Task UnknownPaths_Outside_Api_Are404Problems_AndNeverReachImmich(string path)
    {
        using var response = await gateway.CreateClient(TestUsers.AliceKiosk).GetAsync(path, Cancel);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Empty(gateway.Immich.RequestsMatching(path));
    }

    [Fact]
    public async Task AWrongMethod_OnAGatewayRoute_IsA405Problem_ThatSaysWhichMethodsAreAllowed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/bff/albums/1d4ec6e5-6b38-4b6e-9b8e-2a8f9a1c1f01");

        using var response = await gateway.CreateClient(TestUsers.AliceKiosk).SendAsync(request, Cancel);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.Contains("GET", response.Content.Headers.Allow);
    }
}
