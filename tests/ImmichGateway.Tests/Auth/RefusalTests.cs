using System.Net;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Auth;

/// <summary>Callers the gateway turns away get a problem document, and Immich never hears of them.</summary>
[Collection(GatewayCollection.Name)]
public sealed class RefusalTests(GatewayFactory gateway)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static TheoryData<string, string?> BadKeys => new()
    {
        { "none", null },
        { "unknown", "igw_not_a_key_anyone_has_0000000000000" },
        { "immich-key-of-a-user", TestUsers.Alice.ImmichKey },
        { "client-key-hash-instead-of-key", TestUsers.AliceKiosk.KeySha256 },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task ProtectedRoute_WithoutValidClientKey_Is401ProblemAndImmichIsNotContacted(string _, string? key)
    {
        using var client = gateway.CreateAnonymousClient();
        var marker = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/albums?marker={marker}");
        if (key is not null)
        {
            request.Headers.Add("x-api-key", key);
        }

        var response = await client.SendAsync(request, Cancel);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "ApiKey");
        Assert.Empty(gateway.Immich.RequestsMatching(marker));
    }

    [Fact]
    public async Task ProtectedRoute_WithImmichKeyAsClientKey_LogsTheUserButNeverTheKey()
    {
        using var client = gateway.CreateAnonymousClient();
        client.DefaultRequestHeaders.Add("x-api-key", TestUsers.Bob.ImmichKey);

        var response = await client.GetAsync("/api/users/me", Cancel);

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("Immich API keys are not accepted", detail);
        Assert.Contains(gateway.Logs.Events, e => e.EventId.Id == 2001 && e.State.GetValueOrDefault("User") == "bob");
    }

    [Theory]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")]
    [InlineData("not-a-jwt")] // malformed: IdentityModel fails it with an ArgumentException of its own words
    public async Task ProtectedRoute_WithBearerTokenWhenOidcIsOff_Is401_SayingSo(string token)
    {
        using var client = gateway.CreateBearerClient(token);
        var marker = Guid.NewGuid().ToString("N");

        var response = await client.GetAsync($"/api/albums?marker={marker}", Cancel);

        Assert.Equal("This gateway does not accept bearer tokens; send a client key in x-api-key.",
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized));
        Assert.Empty(gateway.Immich.RequestsMatching(marker));
    }

    [Theory]
    [InlineData("/api/server/ping")]
    [InlineData("/api/server/version")]
    [InlineData("/api/server/features")]
    [InlineData("/api/server/config")]
    [InlineData("/api/server/media-types")]
    [InlineData("/.well-known/immich")]
    public async Task PublicRoute_WithoutKey_IsForwardedAnonymously(string path)
    {
        using var client = gateway.CreateAnonymousClient();
        var marker = Guid.NewGuid().ToString("N");

        var response = await client.GetAsync($"{path}?marker={marker}", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(gateway.Immich.RequestsMatching(marker));
        Assert.Null(seen.Header("x-api-key"));
    }

    [Fact]
    public async Task PublicRoute_WithClientKey_StillReachesImmichWithoutAnyKey()
    {
        using var client = gateway.CreateClient(TestUsers.AliceKiosk);
        var marker = Guid.NewGuid().ToString("N");

        var response = await client.GetAsync($"/api/server/ping?marker={marker}", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Assert.Single(gateway.Immich.RequestsMatching(marker)).Header("x-api-key"));
    }

    [Fact]
    public async Task NonPublicServerRoute_WithoutKey_Is401()
    {
        using var client = gateway.CreateAnonymousClient();

        var response = await client.GetAsync("/api/server/statistics", Cancel);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("POST", "/api/api-keys")]
    [InlineData("PUT", "/api/api-keys/6aef9929-0320-471b-a037-7c9a033d0403")]
    [InlineData("DELETE", "/api/api-keys/6aef9929-0320-471b-a037-7c9a033d0403")]
    [InlineData("POST", "/api/auth/login")]
    [InlineData("POST", "/api/auth/logout")]
    [InlineData("POST", "/api/auth/change-password")]
    [InlineData("DELETE", "/api/sessions")]
    [InlineData("POST", "/api/sessions")]
    [InlineData("POST", "/api/sessions/6aef9929-0320-471b-a037-7c9a033d0403/lock")]
    [InlineData("POST", "/api/oauth/authorize")]
    [InlineData("POST", "/API/Api-Keys")]
    [InlineData("POST", "/api/admin/auth/unlink-all")]
    [InlineData("POST", "/api/admin/maintenance/login")]
    public async Task CredentialManagementWrite_ByAClient_Is403ProblemAndNotForwarded(string method, string path)
    {
        using var client = gateway.CreateClient(TestUsers.AdaCli);
        var marker = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(new HttpMethod(method), $"{path}?marker={marker}")
        {
            Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
        };

        var response = await client.SendAsync(request, Cancel);

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("Gateway:AllowCredentialManagement", detail);
        Assert.Empty(gateway.Immich.RequestsMatching(marker));
    }

    /// <summary>
    /// Immich's updates of an existing account take a password and a PIN code beside the name: with either, a client
    /// could log in to Immich past the gateway. Names are compared as Immich reads them (escapes decoded, the last of
    /// two equal names wins). Creating a user with a first password stays allowed (ReferenceRouteTests).
    /// </summary>
    [Theory]
    [InlineData("PUT", "/api/users/me", """{"password":"chosen-by-the-client"}""")]
    [InlineData("PUT", "/API/Users/Me/", """{"name":"Ada","password":"x"}""")]
    [InlineData("PUT", "/api/users/me", """{"name":"Ada","pass\u0077ord":"x"}""")]
    [InlineData("PUT", "/api/users/me", """{"password":null,"name":"Ada","password":"x"}""")]
    [InlineData("PATCH", "/api/users/me", """{"password":"x"}""")]
    [InlineData("PUT", "/api/admin/users/431e7ef6-1108-4986-97f8-e85c6e35b2c6", """{"pinCode":null}""")]
    [InlineData("PUT", "/api/users/431e7ef6-1108-4986-97f8-e85c6e35b2c6", """{"password":"x"}""")] // the reference's route
    public async Task UserWrite_SettingAPasswordOrPinCode_Is403ProblemAndNotForwarded(string method, string path, string body)
    {
        var (response, seen) = await SendJsonAsync(method, path, body);

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("Gateway:AllowCredentialManagement", detail);
        Assert.Empty(seen);
    }

    [Fact]
    public async Task UserWrite_WithoutCredentials_IsForwardedAsSent()
    {
        const string body = """{"name":"Ada L.","avatarColor":"red","nested":{"password":"not Immich's field"}}""";

        var (response, seen) = await SendJsonAsync("PUT", "/api/users/me", body);

        Assert.NotEqual("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var forwarded = Assert.Single(seen);
        Assert.Equal((body, TestUsers.Ada.ImmichKey), (forwarded.BodyText, forwarded.Header("x-api-key")));
    }

    /// <summary>Bodies the gateway could not read as Immich would (Immich also parses forms and inflates gzip) are refused.</summary>
    [Theory]
    [InlineData("application/x-www-form-urlencoded", null, "password=x", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("text/plain", null, """{"password":"x"}""", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/json", "gzip", """{"password":"x"}""", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/json", null, """{"name":"Ada",}""", HttpStatusCode.BadRequest)]
    [InlineData("application/json", null, """["password"]""", HttpStatusCode.BadRequest)]
    public async Task UserWrite_WithABodyTheGatewayCannotRead_IsRefusedAndNotForwarded(string contentType, string? encoding, string body, HttpStatusCode expected)
    {
        var content = new StringContent(body, System.Text.Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        if (encoding is not null)
        {
            content.Headers.ContentEncoding.Add(encoding);
        }

        var (response, seen) = await SendAsync("PUT", "/api/users/me", content);

        await ProblemAssert.IsProblemAsync(response, expected);
        Assert.Empty(seen);
    }

    [Fact]
    public async Task ProfileImageUpload_IsNotReadAsAUserUpdate()
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "file", "me.jpg" } };

        var (_, seen) = await SendAsync("POST", "/api/users/profile-image", form);

        Assert.Equal("/api/users/profile-image", Assert.Single(seen).Path);
    }

    private Task<(HttpResponseMessage Response, IReadOnlyList<SeenRequest> Seen)> SendJsonAsync(string method, string path, string body) =>
        SendAsync(method, path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

    private async Task<(HttpResponseMessage Response, IReadOnlyList<SeenRequest> Seen)> SendAsync(string method, string path, HttpContent content)
    {
        using var client = gateway.CreateClient(TestUsers.AdaCli);
        var marker = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(new HttpMethod(method), $"{path}?marker={marker}") { Content = content };
        var response = await client.SendAsync(request, Cancel);
        return (response, gateway.Immich.RequestsMatching(marker));
    }

    [Theory]
    [InlineData("/api/api-keys/me")]
    [InlineData("/api/api-keys")]
    [InlineData("/api/sessions")]
    public async Task CredentialRead_ByAClient_IsForwarded(string path)
    {
        using var client = gateway.CreateClient(TestUsers.AdaCli);
        var marker = Guid.NewGuid().ToString("N");

        var response = await client.GetAsync($"{path}?marker={marker}", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TestUsers.Ada.ImmichKey, Assert.Single(gateway.Immich.RequestsMatching(marker)).Header("x-api-key"));
    }

    [Fact]
    public async Task RequestWithTwoClientKeys_Is401()
    {
        using var client = gateway.CreateAnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/albums");
        request.Headers.TryAddWithoutValidation("x-api-key", [TestUsers.AliceKiosk.Key, TestUsers.BobFrame.Key]);

        var response = await client.SendAsync(request, Cancel);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
    }
}
