using System.Net;
using ImmichGateway.Tests.Fixtures;
using ImmichGateway.Tests.Reference;

namespace ImmichGateway.Tests.Scopes;

public sealed class ReadOnlyRoutesAndRateLimitTests(ScopedGateway gateway) : IClassFixture<ScopedGateway>
{
    [Theory]
    [InlineData("GET", "/api/users/me", null)]
    [InlineData("GET", "/bff/overview", null)]
    [InlineData("POST", "/api/search/metadata", "{\"isFavorite\":true}")]
    [InlineData("POST", "/api/search/smart", "{\"query\":\"beach\"}")]
    [InlineData("POST", "/api/download/info", "{\"assetIds\":[]}")]
    public async Task ReadOnlyClient_MayRead_IncludingImmichsReadingPosts(string method, string route, string? body)
    {
        var (response, seen) = await gateway.SendAsync(ScopedGateway.Dashboard, method, route, body);

        Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.NotEmpty(seen);
    }

    [Theory]
    [InlineData("POST", "/api/albums", "{\"albumName\":\"x\"}")]
    [InlineData("PUT", "/api/users/me", "{\"name\":\"x\"}")]
    [InlineData("DELETE", "/api/assets", "{\"ids\":[]}")]
    [InlineData("POST", "/api/assets/jobs", "{\"assetIds\":[],\"name\":\"regenerate-thumbnail\"}")]
    public async Task ReadOnlyClient_MayNotWrite(string method, string route, string body)
    {
        var (response, seen) = await gateway.SendAsync(ScopedGateway.Dashboard, method, route, body);

        Assert.Equal("This client key is read-only.", await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden));
        Assert.Empty(seen);
    }

    [Theory]
    [InlineData("/api/albums", true)]
    [InlineData("/api/albums/", true)]
    [InlineData("/API/Albums/1001bb5e-afab-4dd6-918c-53bf41379a9d", true)]
    [InlineData("/api/albums/1001bb5e-afab-4dd6-918c-53bf41379a9d/cover-image", false)]
    [InlineData("/api/users/me", false)]
    public async Task RouteAllowList_LetsOnlyItsRoutesThrough(string route, bool allowed)
    {
        var (response, seen) = await gateway.SendAsync(ScopedGateway.Script, "GET", route);

        if (allowed)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        else
        {
            Assert.Equal("This client key may call only the routes configured for it.", await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden));
            Assert.Empty(seen);
        }
    }

    [Fact]
    public async Task RateLimit_IsPerClientKey_AndRefusalsAre429WithRetryAfter()
    {
        var statuses = new List<HttpStatusCode>();
        var reachedImmich = 0;
        for (var i = 0; i < 5; i++)
        {
            var (response, seen) = await gateway.SendAsync(ScopedGateway.Widget, "GET", "/api/users/me");
            statuses.Add(response.StatusCode);
            reachedImmich += seen.Count;
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await ProblemAssert.IsProblemAsync(response, HttpStatusCode.TooManyRequests);
                Assert.True(int.Parse(response.Headers.GetValues("Retry-After").Single()) >= 1);
            }
        }
        var (phone, _) = await gateway.SendAsync(TestUsers.AlicePhone, "GET", "/api/users/me");

        // The bucket holds 3 and refills 1/s: a token may come back while the loop runs on a slow machine.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], statuses.Take(3));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(statuses.Count(s => s == HttpStatusCode.OK), reachedImmich); // a refusal never reaches Immich
        Assert.Equal(HttpStatusCode.OK, phone.StatusCode); // same user, another client: not starved
    }
}
