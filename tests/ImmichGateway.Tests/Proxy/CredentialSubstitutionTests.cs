using System.Net;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Proxy;

[Collection(GatewayCollection.Name)]
public sealed class CredentialSubstitutionTests(GatewayFactory gateway)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ProxiedRequest_WithClientKey_SendsTheUsersImmichKeyOnly()
    {
        using var client = gateway.CreateClient(TestUsers.AliceKiosk);

        var response = await client.GetAsync("/api/albums?marker=subst-1", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(gateway.Immich.RequestsMatching("subst-1"));
        Assert.Equal(TestUsers.Alice.ImmichKey, seen.Header("x-api-key"));
        Assert.Contains("Summer Trip 2025", await response.Content.ReadAsStringAsync(Cancel));
    }

    [Theory]
    [InlineData("Authorization", "Bearer some-immich-session-token")]
    [InlineData("x-immich-user-token", "tok")]
    [InlineData("x-immich-session-token", "tok")]
    [InlineData("x-immich-share-key", "share")]
    [InlineData("x-immich-share-slug", "slug")]
    public async Task ProxiedRequest_WithImmichCredentialHeader_StripsIt(string header, string value)
    {
        using var client = gateway.CreateClient(TestUsers.BobFrame);
        var marker = $"strip-header-{Guid.NewGuid():N}";
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/users/me?marker={marker}");
        request.Headers.TryAddWithoutValidation(header, value);

        var response = await client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(gateway.Immich.RequestsMatching(marker));
        Assert.Null(seen.Header(header.ToLowerInvariant()));
        Assert.Equal(TestUsers.Bob.ImmichKey, seen.Header("x-api-key"));
    }

    [Theory]
    [InlineData("apiKey")]
    [InlineData("sessionKey")]
    [InlineData("key")]
    [InlineData("slug")]
    [InlineData("APIKEY")]
    public async Task ProxiedRequest_WithCredentialQueryParameter_RemovesItAndKeepsTheRest(string parameter)
    {
        using var client = gateway.CreateClient(TestUsers.BobFrame);
        var marker = $"strip-query-{Guid.NewGuid():N}";

        var response = await client.GetAsync($"/api/users/me?{parameter}=secret-value&marker={marker}&keep=1", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(gateway.Immich.RequestsMatching(marker));
        Assert.DoesNotContain("secret-value", seen.Query);
        Assert.Contains("keep=1", seen.Query);
    }

    [Fact]
    public async Task ProxiedRequest_WithCookies_DropsImmichCookiesAndKeepsOthers()
    {
        using var client = gateway.CreateClient(TestUsers.BobFrame);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/users/me?marker=strip-cookie");
        request.Headers.Add("Cookie", "theme=dark; immich_access_token=tok; immich_auth_type=password; immich_shared_link_token=x; lang=en");

        var response = await client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(gateway.Immich.RequestsMatching("strip-cookie"));
        Assert.Equal("theme=dark; lang=en", seen.Header("cookie"));
    }

    [Fact]
    public async Task ProxiedRequest_WithoutCredentialParameters_KeepsTheQueryStringByteForByte()
    {
        using var client = gateway.CreateClient(TestUsers.BobFrame);
        var marker = Guid.NewGuid().ToString("N");

        var response = await client.GetAsync($"/api/users/me?marker={marker}&at=10:30&name=a+b&flag", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"?marker={marker}&at=10:30&name=a+b&flag", Assert.Single(gateway.Immich.RequestsMatching(marker)).Query);
    }
}
