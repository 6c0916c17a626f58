using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Reference;

/// <summary>
/// The translated routes that pass the client's JSON body to Immich as it came: a valid object arrives byte for byte;
/// anything else is the gateway's own 400 (or 413) problem, and Immich is never called.
/// </summary>
public sealed class ReferenceJsonBodyTests(ReferenceGateway gateway) : IClassFixture<ReferenceGateway>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Each pass-through JSON route, with what Immich is asked.</summary>
    public static TheoryData<string, string, string, string> Routes
    {
        get
        {
            var album = FakeImmich.AlbumTwo;
            var user = TestUsers.Bob.Id;
            var link = Guid.Parse("5a6f7c2e-3b1d-4e8f-9a0b-1c2d3e4f5a6b");
            return new()
            {
                { "PUT", $"/api/albums/{album}", "PATCH", $"/api/albums/{album}" },
                { "POST", "/api/users", "POST", "/api/admin/users" },
                { "PUT", $"/api/users/{user}", "PUT", $"/api/admin/users/{user}" },
                { "POST", "/api/search/assets", "POST", "/api/search/metadata" },
                { "PUT", $"/api/shared-links/{link}", "PATCH", $"/api/shared-links/{link}" },
            };
        }
    }

    public static TheoryData<string, string, string> BadBodies
    {
        get
        {
            var bodies = new TheoryData<string, string, string>();
            foreach (var route in Routes)
            {
                var (method, path) = (route.Data.Item1, route.Data.Item2);
                bodies.Add(method, path, "{\"name\":");              // malformed JSON
                bodies.Add(method, path, "[{\"name\":\"x\"}]");      // an array
                bodies.Add(method, path, "\"x\"");                   // a string
                bodies.Add(method, path, "{\"name\":\"x\"} {}");     // trailing content
            }
            return bodies;
        }
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task ValidObject_ReachesImmichByteForByte(string method, string path, string immichMethod, string immichPath)
    {
        // unknown keys, their order and the whitespace all go through as sent (Immich ignores what it does not know)
        const string body = "{ \"zeta\": 1,\n  \"name\": \"Renamed\", \"albumName\": \"Renamed\", \"isFavorite\": true, \"unknownKey\": [1, {\"a\": null}] }";

        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, method, path, body);

        Assert.False(response.Content.Headers.ContentType?.MediaType == "application/problem+json", await response.Content.ReadAsStringAsync(Cancel));
        var request = Assert.Single(seen, s => s.Method == immichMethod && s.Path == immichPath); // a user update asks /api/users/me first
        Assert.Equal(Encoding.UTF8.GetBytes(body), request.Body);
        Assert.Equal("application/json; charset=utf-8", request.Header("content-type"));
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task BadBody_Is400ProblemAndImmichIsNotCalled(string method, string path, string body)
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, method, path, body);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Empty(seen);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task ObjectWithAnotherContentType_Is400ProblemAndImmichIsNotCalled(string method, string path, string immichMethod, string immichPath)
    {
        _ = (immichMethod, immichPath);
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{\"name\":\"x\"}", Encoding.UTF8, "text/plain") };

        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Empty(seen);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task BodyOverTheLimit_Is413ProblemAndImmichIsNotCalled(bool declaresLength)
    {
        const long tooLarge = 10 * 1024 * 1024 + 1;
        var content = new StreamContent(new GeneratedStream(tooLarge, seed: 7));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (declaresLength)
        {
            content.Headers.ContentLength = tooLarge;
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/search/assets") { Content = content };

        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty(seen);
    }
}
