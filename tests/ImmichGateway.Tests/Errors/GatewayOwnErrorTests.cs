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

    /// <summary>
    /// An image loader sends <c>Accept: image/webp</c>, a browser <c>text/html</c>: the problem details service declines
    /// both, and the gateway's refusals once threw on that (a 500 instead of the 401 or 400).
    /// </summary>
    [Theory]
    [InlineData("/api/albums", false, "image/webp", HttpStatusCode.Unauthorized)]
    [InlineData("/api/assets/1564c2d8-8ce2-4842-a7e8-9810c8e1e8fa/thumbnail", false, "image/avif,image/webp,image/*", HttpStatusCode.Unauthorized)]
    [InlineData("/bff/overview", false, "text/html", HttpStatusCode.Unauthorized)]
    [InlineData("/api/assets/no-json%2Faccepted", true, "image/webp", HttpStatusCode.BadRequest)]
    [InlineData("/health/live%2F", true, "text/html", HttpStatusCode.BadRequest)]
    public async Task Refusals_AreProblemDocuments_WhateverTheClientAccepts(string path, bool withKey, string accept, HttpStatusCode status)
    {
        using var http = withKey ? gateway.CreateClient(TestUsers.AliceKiosk) : gateway.CreateAnonymousClient();
        var marker = $"accept-{Guid.NewGuid():N}";
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{path}?marker={marker}");
        request.Headers.TryAddWithoutValidation("Accept", accept);

        using var response = await http.SendAsync(request, Cancel);

        await ProblemAssert.IsProblemAsync(response, status);
        Assert.Empty(gateway.Immich.RequestsMatching(marker));
    }

    [Fact]
    public async Task AWrongMethod_OnAGatewayRoute_IsA405Problem_ThatSaysWhichMethodsAreAllowed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/bff/albums/1d4ec6e5-6b38-4b6e-9b8e-2a8f9a1c1f01");

        using var response = await gateway.CreateClient(TestUsers.AliceKiosk).SendAsync(request, Cancel);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.Contains("GET", response.Content.Headers.Allow);
    }

    /// <summary>ASP.NET Core's own status pages fell back to <c>text/plain</c> when the client's Accept named no JSON.</summary>
    [Theory]
    [InlineData("DELETE", "/bff/albums/1d4ec6e5-6b38-4b6e-9b8e-2a8f9a1c1f01", "image/webp", HttpStatusCode.MethodNotAllowed)]
    [InlineData("POST", "/health/dependencies", "text/html", HttpStatusCode.MethodNotAllowed)]
    [InlineData("GET", "/nothing-here", "text/html", HttpStatusCode.NotFound)]
    [InlineData("GET", "/bff/no-such-screen", "image/avif,image/webp,image/*", HttpStatusCode.NotFound)]
    public async Task BodilessErrorStatuses_AreProblemDocuments_WhateverTheClientAccepts(string method, string path, string accept, HttpStatusCode status)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.TryAddWithoutValidation("Accept", accept);

        using var response = await gateway.CreateClient(TestUsers.AliceKiosk).SendAsync(request, Cancel);

        await ProblemAssert.IsProblemAsync(response, status);
    }
}
