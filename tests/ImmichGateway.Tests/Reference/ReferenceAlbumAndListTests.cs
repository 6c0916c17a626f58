using System.Net;
using System.Text.Json.Nodes;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Reference;

/// <summary>The two reference routes that page through Immich: an album with all its assets, and the asset list.</summary>
public sealed class ReferenceAlbumAndListTests(ReferenceGateway gateway) : IClassFixture<ReferenceGateway>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AlbumWithAssets_IsImmichsAlbumPlusOwnerAndEveryAsset()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, "GET", $"/api/albums/{FakeImmich.AlbumOne}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var album = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!.AsObject();
        var immichAlbum = Recordings.Get("GET_api_albums_{id}.user1.json").Body!.AsObject();
        foreach (var (name, value) in immichAlbum)
        {
            Assert.True(JsonNode.DeepEquals(value, album[name]), $"field {name} changed");
        }
        Assert.Equal(TestUsers.Ada.Id, album["owner"]!["id"]!.GetValue<string>());
        Assert.Equal(FakeImmich.AlbumOneAssets.Order(), album["assets"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()).Order());
        Assert.Equal(2, seen.Count);
        Assert.Equal(("GET", $"/api/albums/{FakeImmich.AlbumOne}"), (seen[0].Method, seen[0].Path));
        Assert.Equal(("POST", "/api/search/metadata"), (seen[1].Method, seen[1].Path));
        var search = seen[1].Json()!;
        Assert.Equal(FakeImmich.AlbumOne.ToString(), search["albumIds"]![0]!.GetValue<string>());
        Assert.Equal(1, search["page"]!.GetValue<int>());
        Assert.Equal(1000, search["size"]!.GetValue<int>());
    }

    [Fact]
    public async Task AlbumWithAssets_WithoutAssets_SkipsTheSearchAndDoesNotForwardTheParameter()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, "GET", $"/api/albums/{FakeImmich.AlbumOne}?withoutAssets=true");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var album = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!.AsObject();
        Assert.False(album.ContainsKey("assets"));
        Assert.NotNull(album["owner"]);
        Assert.Equal("", seen.Only("GET", $"/api/albums/{FakeImmich.AlbumOne}").Query);
    }

    [Theory]
    [InlineData(2500, 3)]
    [InlineData(5000, 5)]
    public async Task AlbumWithAssets_OfALargeAlbum_PagesWithAtMostOneCallPerThousand(int assets, int searches)
    {
        var album = gateway.Immich.AddAlbum(assets, TestUsers.Ada, members: (TestUsers.Bob, "viewer"));

        var (response, seen) = await gateway.SendAsync(TestUsers.BobFrame, "GET", $"/api/albums/{album.Id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ids = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!["assets"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(assets, ids.Distinct().Count());
        Assert.Equal(album.Assets.Select(a => a["id"]!.GetValue<string>()).Reverse(), ids); // newest first, as the album's order says
        Assert.Equal(searches, seen.Count(s => s.Path == "/api/search/metadata"));
        Assert.Equal(Enumerable.Range(1, searches), seen.Where(s => s.Path == "/api/search/metadata").Select(s => s.Json()!["page"]!.GetValue<int>()));
    }

    [Fact]
    public async Task AlbumWithAssets_ForANonMember_KeepsImmichsError()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.BobFrame, "GET", $"/api/albums/{FakeImmich.AlbumTwo}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("{\"message\":\"Not found or no album.read access\"}", await response.Content.ReadAsStringAsync(Cancel));
        seen.Only("GET", $"/api/albums/{FakeImmich.AlbumTwo}");
    }

    [Fact]
    public async Task ListAssets_PostsTheSearchAndAdvertisesTheNextPage()
    {
        var album = gateway.Immich.AddAlbum(30, TestUsers.Ada);

        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "GET", $"/api/assets?albumId={album.Id}&page=2&size=10&order=asc");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!.AsArray();
        Assert.Equal(album.Assets.Skip(10).Take(10).Select(a => a["id"]!.GetValue<string>()), items.Select(a => a!["id"]!.GetValue<string>()));
        seen.Only("POST", "/api/search/metadata").BodyIs($"{{\"page\":2,\"size\":10,\"albumIds\":[\"{album.Id}\"],\"order\":\"asc\"}}");
        var link = Assert.Single(response.Headers.GetValues("Link"));
        Assert.Equal($"</api/assets?albumId={album.Id}&size=10&order=asc&page=3>; rel=\"next\"", link);
    }

    [Fact]
    public async Task ListAssets_NextPageLink_NeverEchoesACredentialTheClientPutInTheQuery()
    {
        var album = gateway.Immich.AddAlbum(30, TestUsers.Ada);
        const string secret = "imk_ada_Bm4nV7cX1zL9kJ3hG6fD0sA8pO2iU5yT";

        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "GET",
            $"/api/assets?albumId={album.Id}&size=10&apiKey={secret}&KEY={secret}&sessionKey={secret}&slug={secret}&apiKey[]={secret}&key[0]={secret}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var link = Assert.Single(response.Headers.GetValues("Link"));
        Assert.Equal($"</api/assets?albumId={album.Id}&size=10&page=2>; rel=\"next\"", link);
        Assert.DoesNotContain(secret, seen.Only("POST", "/api/search/metadata").Query);
    }

    [Fact]
    public async Task ListAssets_OnTheLastPage_HasNoLink()
    {
        var album = gateway.Immich.AddAlbum(5, TestUsers.Ada);

        var (response, _) = await gateway.SendAsync(TestUsers.AdaCli, "GET", $"/api/assets?albumId={album.Id}&size=10");

        Assert.Equal(5, JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!.AsArray().Count);
        Assert.False(response.Headers.Contains("Link"));
    }

    [Fact]
    public async Task ListAssets_WithFilters_SendsThemTyped()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "GET", "/api/assets?isFavorite=true&size=50&visibility=ARCHIVE&type=image&takenAfter=2025-01-01T00:00:00Z&make=RecCam&unknown=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        seen.Only("POST", "/api/search/metadata").BodyIs(
            "{\"page\":1,\"size\":50,\"isFavorite\":true,\"takenAfter\":\"2025-01-01T00:00:00.0000000+00:00\",\"make\":\"RecCam\",\"visibility\":\"archive\",\"type\":\"IMAGE\"}");
    }

    [Theory]
    [InlineData("size=5000")]
    [InlineData("size=0")]
    [InlineData("page=0")]
    [InlineData("page=abc")]
    [InlineData("isFavorite=maybe")]
    [InlineData("visibility=everywhere")]
    [InlineData("order=sideways")]
    [InlineData("takenAfter=yesterday")]
    [InlineData("albumId=not-a-uuid")]
    [InlineData("make=Canon&make=Nikon")] // Immich matches one value; "Canon,Nikon" would match neither
    public async Task ListAssets_WithBadParameter_Is400WithoutCallingImmich(string query)
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "GET", $"/api/assets?{query}");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Empty(seen);
    }
}
