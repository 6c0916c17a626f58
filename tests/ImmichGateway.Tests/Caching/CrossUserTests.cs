using Microsoft.AspNetCore.Http;
using System.Net;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Caching;

/// <summary>Alice can see the asset (her album), Bob cannot: Bob never gets Alice's cached bytes, a 304 or a merged result.</summary>
[Collection(CacheCollection.Name)]
public sealed class CrossUserTests(CacheGateway gateway)
{
    private const string NoAccess = "{\"message\":\"Not found or no asset.view access\"}";

    private async Task<(string Asset, HttpResponseMessage Alice)> CachedForAliceAsync(string query = "")
    {
        var asset = gateway.Immich.AddAlbum(1, TestUsers.Alice).Assets[0]["id"]!.GetValue<string>();
        var (alice, _) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail{query}");
        Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
        return (asset, alice);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?size=preview")]
    [InlineData("?format=jpeg")]
    public async Task Thumbnail_CachedForAlice_IsRefusedToBobByImmichItself(string query)
    {
        var (asset, _) = await CachedForAliceAsync(query);

        var (bob, seen) = await gateway.GetAsync(TestUsers.BobFrame, $"/api/assets/{asset}/thumbnail{query}");

        Assert.Equal(HttpStatusCode.BadRequest, bob.StatusCode);
        Assert.Equal(NoAccess, await bob.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.NotEqual("hit", bob.XCache());
        Assert.Equal(TestUsers.Bob.ImmichKey, Assert.Single(seen).Header("x-api-key"));
    }

    /// <summary>
    /// A 200 that is no image (a sign-in page from something in front of Immich) is not Immich serving Bob the asset:
    /// it must not let him have Alice's cached bytes afterwards.
    /// </summary>
    [Fact]
    public async Task Thumbnail_ANonImage200ForBob_GrantsHimNoAccessRecord()
    {
        var (asset, _) = await CachedForAliceAsync();
        gateway.Immich.Intercepts["viewAsset"] = async (context, _) =>
        {
            if (context.Request.Headers["x-api-key"] != TestUsers.Bob.ImmichKey)
            {
                return false;
            }
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html>sign in</html>");
            return true;
        };
        try
        {
            var (page, _) = await gateway.GetAsync(TestUsers.BobFrame, $"/api/assets/{asset}/thumbnail");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        }
        finally
        {
            gateway.Immich.Intercepts.TryRemove("viewAsset", out _);
        }

        var (bob, seen) = await gateway.GetAsync(TestUsers.BobFrame, $"/api/assets/{asset}/thumbnail");

        Assert.NotEqual("hit", bob.XCache());
        Assert.Equal(HttpStatusCode.BadRequest, bob.StatusCode);
        Assert.Single(seen);
    }

    [Fact]
    public async Task Thumbnail_BobWithAlicesETag_GetsImmichsRefusalNot304()
    {
        var (asset, alice) = await CachedForAliceAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/assets/{asset}/thumbnail");
        request.Headers.TryAddWithoutValidation("If-None-Match", alice.Raw("etag"));

        var (bob, seen) = await gateway.SendAsync(TestUsers.BobFrame, request);

        Assert.Equal(HttpStatusCode.BadRequest, bob.StatusCode);
        Assert.Single(seen);
    }

    [Fact]
    public async Task Thumbnail_BobAskingAgainAndAgain_IsAskedOfImmichEveryTime()
    {
        var (asset, _) = await CachedForAliceAsync();

        for (var i = 0; i < 3; i++)
        {
            var (bob, seen) = await gateway.GetAsync(TestUsers.BobFrame, $"/api/assets/{asset}/thumbnail");

            Assert.Equal(HttpStatusCode.BadRequest, bob.StatusCode);
            Assert.Single(seen);
        }
    }

    [Fact]
    public async Task Thumbnail_BobAmongConcurrentAliceRequests_IsNeverMergedWithThem()
    {
        var asset = gateway.Immich.AddAlbum(1, TestUsers.Alice).Assets[0]["id"]!.GetValue<string>();
        using var alice = gateway.CreateClient(TestUsers.AliceKiosk);
        using var bob = gateway.CreateClient(TestUsers.BobFrame);
        var before = gateway.Immich.Requests.Count;

        var requests = Enumerable.Range(0, 40)
            .Select(i => (i % 10 == 5 ? bob : alice).GetAsync($"/api/assets/{asset}/thumbnail", TestContext.Current.CancellationToken))
            .ToArray();
        var responses = await Task.WhenAll(requests);

        var bobResponses = responses.Where((_, i) => i % 10 == 5).ToList();
        Assert.All(bobResponses, r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.All(responses.Where((_, i) => i % 10 != 5), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var seen = gateway.Immich.RequestsSince(before).Thumbnails();
        Assert.Single(seen, s => s.Header("x-api-key") == TestUsers.Alice.ImmichKey);
        Assert.InRange(seen.Count(s => s.Header("x-api-key") == TestUsers.Bob.ImmichKey), 1, 4); // his own answers, merged only with his own
    }

    [Fact]
    public async Task Thumbnail_AliceRemovedFromTheAlbumInImmich_IsRefusedOnceHerRecordIsRevoked()
    {
        var album = gateway.Immich.AddAlbum(1, TestUsers.Ada, true, (TestUsers.Alice, "viewer"));
        var asset = album.Assets[0]["id"]!.GetValue<string>();
        await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");

        var (removal, _) = await gateway.SendAsync(TestUsers.AdaCli, new HttpRequestMessage(HttpMethod.Delete, $"/api/albums/{album.Id}/user/{TestUsers.Alice.Id}"));
        var (alice, seen) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");

        Assert.Equal(HttpStatusCode.NoContent, removal.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, alice.StatusCode);
        Assert.Single(seen);
    }
}
