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
    /// Fixed in: ReferenceAssets.ListAsync (translate isTrashed=true to withDeleted + a trashedAfter/trashedBefore bound).
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
    /// <c>album.ownerId</c> gets nothing. Fixed in: ReferenceAlbums.GetWithAssetsAsync (write ownerId from the owner entry),
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
    /// client asking for its shared albums silently gets every album. Fixed in: a GET /albums row in
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
    /// another's). Fixed in: ReferenceUsers.UpdateAsync.
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
    /// Fixed in: ReferenceAlbums.GetWithAssetsAsync (for HEAD, stop after the first page).
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

    /// <summary>
    /// PUT /api/assets/{id} ("Update asset metadata") is forwarded verbatim, so the reference's archive flag
    /// <c>{"isArchived": true}</c> reaches Immich v3, which silently ignores it (OBSERVED #7: only <c>visibility</c>
    /// archives now; the answer is a 200 with the asset unchanged). The gateway already translates <c>isArchived</c> on
    /// PUT /api/assets/{id}/archive, but not on the update route itself. Fixed in: a PUT (and PATCH) /assets/{id:uuid} row in
    /// ReferenceApi.MapReferenceApi / ReferenceAssets (isArchived → visibility archive|timeline, the rest as sent).
    /// </summary>
    [Fact]
    public async Task UpdateAsset_ReferenceIsArchived_ReachesImmichAsVisibility()
    {
        var id = Guid.NewGuid();

        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "PUT", $"/api/assets/{id}", "{\"isArchived\":true,\"description\":\"x\"}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = seen.Only("PUT", $"/api/assets/{id}").Json()!.AsObject();
        Assert.Equal("archive", body["visibility"]?.GetValue<string>());
        Assert.Equal("x", body["description"]?.GetValue<string>());
    }

    /// <summary>
    /// GET /api/assets?isArchived=true (the reference's archive flag, which the asset answers still carry and which the
    /// gateway itself reads on PUT …/archive) is neither translated nor refused: Immich is asked for
    /// <c>{"page":1,"size":100}</c>, and the client asking for its archive gets its timeline. Any parameter the list
    /// does not know is dropped the same way (a typo, <c>skip</c>/<c>take</c> paging that then repeats page 1 forever).
    /// Fixed in: ReferenceAssets.ListAsync (isArchived → visibility; unknown parameters a 400 problem).
    /// </summary>
    [Fact]
    public async Task ListAssets_IsArchived_IsTranslatedOrRefused()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "GET", "/api/assets?isArchived=true");

        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.Empty(seen);
            return;
        }
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = seen.Only("POST", "/api/search/metadata").Json()!.AsObject();
        Assert.True(body["visibility"]?.GetValue<string>() == "archive", $"Immich received {body.ToJsonString()}");
    }

    /// <summary>
    /// GET /api/download/archive?assetIds=…&amp;albumId=… reads and validates <c>albumId</c> (and <c>userId</c>), then
    /// drops it: Immich is sent only the asset ids, and the zip silently lacks the album the client asked for (alone,
    /// albumId is refused as "assetIds is required", so the gateway knows it cannot serve it). Fixed in:
    /// ReferenceMisc.DownloadArchiveAsync (resolve albumId/userId through POST /api/download/info, or refuse them).
    /// </summary>
    [Fact]
    public async Task DownloadArchive_AlbumIdNextToAssetIds_IsNotSilentlyDropped()
    {
        var asset = FakeImmich.AlbumOneAssets[0];

        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "GET", $"/api/download/archive?assetIds={asset}&albumId={FakeImmich.AlbumOne}");

        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
            return;
        }
        Assert.Contains(seen, s => s.BodyText.Contains(FakeImmich.AlbumOne.ToString()));
    }

    /// <summary>
    /// GET /api/albums/{id}/cover-image answers with the cover asset's thumbnail caching headers, Immich's
    /// <c>private, max-age=86400, stale-while-revalidate=2592000</c>: right for /assets/{id}/thumbnail, whose URL always
    /// names the same image, wrong for the cover URL, whose image changes with PUT …/cover-image (or PATCH
    /// albumThumbnailAssetId). A client (a browser's &lt;img&gt;) shows the old cover for a day, a month while it
    /// revalidates, without asking: the album read the gateway does "on every request" to learn the cover never
    /// happens. Fixed in: ReferenceAlbums.GetCoverAsync (Cache-Control that makes the client revalidate, e.g.
    /// <c>private, no-cache</c>, and an ETag that names the cover asset).
    /// </summary>
    [Fact]
    public async Task CoverImage_IsNotCachedByTheClientAsIfItsImageNeverChanged()
    {
        var (response, _) = await gateway.SendAsync(TestUsers.AdaCli, "GET", $"/api/albums/{FakeImmich.AlbumOne}/cover-image");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cache = response.Headers.CacheControl;
        Assert.NotNull(cache);
        Assert.True(cache.NoCache || cache.NoStore || cache.MaxAge == TimeSpan.Zero,
            $"the cover may be reused without asking for {cache.MaxAge} ({cache})");
    }

    /// <summary>
    /// GET /api/assets?albumId=A&amp;albumId=B: the gateway's own hint says "repeat it for several albums", but it sends
    /// both as Immich's <c>albumIds</c>, which finds only the assets that are in <em>every</em> album listed (the gateway
    /// knows: ClientScopes.NameOneAlbum). The client listing two albums silently gets their intersection — usually
    /// nothing. Fixed in: ReferenceAssets.ListAsync (one search per album, merged; or refuse more than one albumId).
    /// </summary>
    [Fact]
    public async Task ListAssets_SeveralAlbumIds_ListsTheAssetsOfEachAlbumOrIsRefused()
    {
        var (response, _) = await gateway.SendAsync(TestUsers.AdaCli, "GET", $"/api/assets?albumId={FakeImmich.AlbumOne}&albumId={FakeImmich.AlbumTwo}&size=1000");

        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
            return;
        }
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ids = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!.AsArray().Select(a => a!["id"]!.GetValue<string>()).ToHashSet();
        Assert.Superset(FakeImmich.AlbumOneAssets.ToHashSet(), ids);
    }
}
