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
    [InlineData("apiKey[]")] // qs, a query parser Express can use, reads these as apiKey
    [InlineData("apiKey[0]")]
    [InlineData("sessionKey%5B%5D")]
    [InlineData("key[x]")]
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

    /// <summary>
    /// The thumbnail route is the gateway's own endpoint (the cache, or a forward through its own client), not YARP's:
    /// the same credentials must stay behind. A miss goes to Immich through the cache; credential parameters, which
    /// the cache does not know, send the request down the forwarding path like any other unknown parameter.
    /// </summary>
    [Theory]
    [InlineData("", "?size=thumbnail")]
    [InlineData("?size=preview&apiKey=secret-value&sessionKey=secret-value&key=secret-value&slug=secret-value", "?size=preview")]
    [InlineData("?apiKey=secret-value&sessionKey=secret-value&key=secret-value&slug=secret-value&keep=1", "?keep=1")]
    [InlineData("?apiKey[]=secret-value&slug[0]=secret-value&keep=1", "?keep=1")]
    public async Task Thumbnail_WithEveryClientCredential_SendsTheUsersImmichKeyOnly(string query, string immichQuery)
    {
        var asset = gateway.Immich.AddAlbum(1, TestUsers.Bob).Assets[0]["id"]!.GetValue<string>(); // not cached yet
        using var client = gateway.CreateClient(TestUsers.BobFrame); // x-api-key: the gateway client key
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/assets/{asset}/thumbnail{query}");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer secret-value");
        foreach (var header in new[] { "x-immich-user-token", "x-immich-session-token", "x-immich-share-key", "x-immich-share-slug" })
        {
            request.Headers.TryAddWithoutValidation(header, "secret-value");
        }
        request.Headers.Add("Cookie", "theme=dark; immich_access_token=secret-value; immich_shared_link_token=secret-value");

        var response = await client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(gateway.Immich.RequestsMatching(asset));
        Assert.Equal(immichQuery, seen.Query);
        Assert.Equal(TestUsers.Bob.ImmichKey, seen.Header("x-api-key"));
        Assert.All(new[] { "authorization", "x-immich-user-token", "x-immich-session-token", "x-immich-share-key", "x-immich-share-slug" },
            header => Assert.Null(seen.Header(header)));
        Assert.DoesNotContain("immich_", seen.Header("cookie") ?? "");
        Assert.DoesNotContain(seen.Headers, h => h.Value.Contains("secret-value") || h.Value.Contains(TestUsers.BobFrame.Key));
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
