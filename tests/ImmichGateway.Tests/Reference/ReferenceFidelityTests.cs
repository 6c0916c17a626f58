using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Reference;

/// <summary>
/// A client written to seed-endpoints.md (an older Immich) against the gateway on Immich v3.1: places where the
/// translation silently lost what the reference promised (found by review; each test failed before its fix).
/// </summary>
public sealed class ReferenceFidelityTests(ReferenceGateway gateway) : IClassFixture<ReferenceGateway>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>The properties of Immich 3.1's MetadataSearchDto (what POST /api/search/metadata reads; others are ignored).</summary>
    private static HashSet<string> MetadataSearchProperties()
    {
        using var spec = JsonDocument.Parse(File.ReadAllBytes(ImmichSpec.DocumentPath));
        return spec.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("MetadataSearchDto")
            .GetProperty("properties").EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// GET /api/assets?isTrashed=true (a filter the gateway documents) is sent to Immich as <c>isTrashed</c>, a key
    /// MetadataSearchDto does not have: Immich v3 ignores unknown body keys (OBSERVED #2b/#16), and without
    /// <c>withDeleted</c> it excludes trashed assets, so the client asking for its trash gets the non-trashed assets.
    /// Fix: ReferenceAssets.ListAsync (translate isTrashed=true to withDeleted + a trashedAfter/trashedBefore bound).
    /// </summary>
    [Fact]
    public async Task ListAssets_IsTrashed_IsSentOnlyAsFiltersImmichKnows()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "GET", "/api/assets?isTrashed=true");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = seen.Only("POST", "/api/search/metadata").Json()!.AsObject();
        var known = MetadataSearchProperties();
        Assert.All(body.Select(p => p.Key), key => Assert.Contains(key, known));
        Assert.True(body["withDeleted"]?.GetValue<bool>() == true, $"trashed assets are only found with withDeleted; Immich received {body.ToJsonString()}");
    }

    /// <summary>
    /// The reference album (Immich before 2.7) carried <c>ownerId</c> next to <c>owner</c> (API-NOTES g: both were
    /// removed). The translated album adds <c>owner</c> but not <c>ownerId</c>, so a reference client reading
    /// <c>album.ownerId</c> gets nothing. Fix: ReferenceAlbums.GetWithAssetsAsync (write ownerId from the owner entry),
    /// and ReferenceModels.ReferenceAlbum.
    /// </summary>
    [Fact]
    public async Task AlbumWithAssets_HasTheReferenceOwnerId()
    {
        var (response, _) = await gateway.SendAsync(TestUsers.AliceKiosk, "GET", $"/api/albums/{FakeImmich.AlbumOne}?withoutAssets=true");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var album = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!.AsObject();
        Assert.Equal(TestUsers.Ada.Id, album["owner"]?["id"]?.GetValue<string>());
        Assert.Equal(TestUsers.Ada.Id, album["ownerId"]?.GetValue<string>());
    }

    /// <summary>
    /// GET /api/albums?shared=true, the reference's filter, reaches Immich verbatim; Immich v3 ignores <c>shared</c>
    /// (OBSERVED #16: it returned all 4 albums) — the parameter became <c>isShared</c> (API-NOTES a, Albums). The
    /// client asking for its shared albums silently gets every album. Fix: a GET /albums row in
    /// ReferenceApi.MapReferenceApi (shared → isShared, the rest of the query as sent).
    /// </summary>
    [Fact]
    public async Task ListAlbums_ReferenceSharedParameter_ReachesImmichAsIsShared()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "GET", "/api/albums?shared=true");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = Assert.Single(seen, s => s.Path == "/api/albums");
        Assert.Contains("isShared=true", list.Query);
    }

    /// <summary>
    /// PUT /api/users/{id} with the caller's own id: the reference let any user update their own profile; the
    /// gateway always calls the admin-only PUT /api/admin/users/{id}, so a non-admin gets Immich's 403 for themselves.
    /// Immich v3 has PATCH /api/users/me for that (as the profile-image row already tells the caller's own id from
    /// another's). Fix: ReferenceUsers.UpdateAsync.
    /// </summary>
    [Fact]
    public async Task UpdateUser_OwnProfileAsNonAdmin_IsNotRefused()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AlicePhone, "PUT", $"/api/users/{TestUsers.Alice.Id}", "{\"name\":\"Alice L.\"}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(seen, s => s.Path == "/api/users/me" && s.Method is "PUT" or "PATCH" && s.BodyText.Contains("Alice L."));
    }
    /// <summary>
    /// HEAD on the album-with-assets route pages through every search page (1,000 assets each, up to 1,000 calls)
    /// only to throw the body away: the status and headers are settled once the album and the first page are in.
    /// Fix: ReferenceAlbums.GetWithAssetsAsync (for HEAD, stop after the first page).
    /// </summary>
    [Fact]
    public async Task HeadOnAlbumWithAssets_DoesNotPageThroughTheWholeAlbum()
    {
        var album = gateway.Immich.AddAlbum(2500, TestUsers.Ada);

        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, new HttpRequestMessage(HttpMethod.Head, $"/api/albums/{album.Id}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(seen.Count(s => s.Path == "/api/search/metadata") <= 1,
            $"a HEAD made {seen.Count(s => s.Path == "/api/search/metadata")} searches");
    }
}
