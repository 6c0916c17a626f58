using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Reference;

/// <summary>Every row of the reference table, checked by what Immich received and what the client got.</summary>
public sealed class ReferenceRouteTests(ReferenceGateway gateway) : IClassFixture<ReferenceGateway>
{
    private static readonly string SomeAsset = FakeImmich.AlbumOneAssets[1];

    [Theory]
    [InlineData("/api/server-info/ping", "/api/server/ping", "GET_api_server_ping.none.json")]
    [InlineData("/api/server-info/features", "/api/server/features", "GET_api_server_features.none.json")]
    [InlineData("/api/server-info/stats", "/api/server/statistics", "GET_api_server_statistics.admin.json")]
    public async Task ServerInfo_CallsTheRenamedServerRoute(string reference, string current, string recording)
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "GET", reference);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Recordings.Get(recording).BodyBytes, await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        // (statistics also ask /api/users/me and /api/api-keys/me once: only a key that may read them is served them from the cache)
        Assert.Equal(TestUsers.Ada.ImmichKey, Assert.Single(seen, s => (s.Method, s.Path) == ("GET", current)).Header("x-api-key"));
        Assert.All(seen, s => Assert.Contains(s.Path, new[] { current, "/api/users/me", "/api/api-keys/me" }));
    }

    [Fact]
    public async Task ServerInfoStats_ForANonAdmin_KeepsImmichs403()
    {
        var (response, _) = await gateway.SendAsync(TestUsers.AliceKiosk, "GET", "/api/server-info/stats");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("{\"message\":\"Forbidden\"}", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ServerInfoPing_WithoutKey_IsPublicAsInImmich()
    {
        using var anonymous = gateway.CreateAnonymousClient();

        var response = await anonymous.GetAsync("/api/server-info/ping", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task UpdateAlbum_Put_IsSentAsPatchWithTheSameBody()
    {
        var album = gateway.Immich.AddAlbum(3, TestUsers.Ada);

        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "PUT", $"/api/albums/{album.Id}", "{\"albumName\":\"Renamed\",\"description\":\"x\"}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"albumName\":\"Renamed\",\"description\":\"x\"}", seen.Only("PATCH", $"/api/albums/{album.Id}").BodyText);
    }

    [Fact]
    public async Task GetCoverImage_StreamsTheCoverAssetsThumbnail()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.BobFrame, "GET", $"/api/albums/{FakeImmich.AlbumOne}/cover-image?size=thumbnail");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/webp", response.Content.Headers.ContentType?.MediaType);
        var thumbnail = Recordings.Get("GET_api_assets_{id}_thumbnail.admin.json");
        Assert.Equal(thumbnail.BodyBytes, await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal(thumbnail.Headers["etag"], response.Headers.ETag?.ToString());
        Assert.Equal(2, seen.Count);
        Assert.Equal($"/api/albums/{FakeImmich.AlbumOne}", seen[0].Path);
        Assert.Equal($"/api/assets/{FakeImmich.AlbumOneAssets[0]}/thumbnail", seen[1].Path);
        Assert.Equal("?size=thumbnail", seen[1].Query);
    }

    [Fact]
    public async Task GetCoverImage_OfAnAlbumWithoutCover_Is404Problem()
    {
        var album = gateway.Immich.AddAlbum(0, TestUsers.Ada, withCover: false);

        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "GET", $"/api/albums/{album.Id}/cover-image");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
        seen.Only("GET", $"/api/albums/{album.Id}");
    }

    [Fact]
    public async Task GetCoverImage_WithUnknownFormat_Is400AndImmichIsNotCalled()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.BobFrame, "GET", $"/api/albums/{FakeImmich.AlbumOne}/cover-image?format=gif");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Empty(seen);
    }

    [Fact]
    public async Task SetCoverImage_PatchesTheAlbumThumbnail()
    {
        var album = gateway.Immich.AddAlbum(3, TestUsers.Ada);
        var asset = album.Assets[2]["id"]!.GetValue<string>();

        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "PUT", $"/api/albums/{album.Id}/cover-image", $"{{\"assetId\":\"{asset}\"}}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        seen.Only("PATCH", $"/api/albums/{album.Id}").BodyIs($"{{\"albumThumbnailAssetId\":\"{asset}\"}}");
        Assert.Equal(Guid.Parse(asset), album.Cover);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"assetId\":\"not-a-uuid\"}")]
    [InlineData("not json")]
    public async Task SetCoverImage_WithBadBody_Is400AndImmichIsNotCalled(string body)
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "PUT", $"/api/albums/{FakeImmich.AlbumOne}/cover-image", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(seen);
    }

    [Fact]
    public async Task DeleteAsset_UsesTheBulkDeleteWithForce()
    {
        var id = Guid.NewGuid();

        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "DELETE", $"/api/assets/{id}?force=true");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        seen.Only("DELETE", "/api/assets").BodyIs($"{{\"ids\":[\"{id}\"],\"force\":true}}");
    }

    [Fact]
    public async Task DeleteAsset_WithoutForce_SendsForceFalse()
    {
        var id = Guid.NewGuid();

        var (_, seen) = await gateway.SendAsync(TestUsers.AdaCli, "DELETE", $"/api/assets/{id}");

        seen.Only("DELETE", "/api/assets").BodyIs($"{{\"ids\":[\"{id}\"],\"force\":false}}");
    }

    [Fact]
    public async Task Thumbnail_WithFormat_DropsTheParameterAndKeepsTheOthers()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, "GET", $"/api/assets/{SomeAsset}/thumbnail?format=jpeg&size=preview");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("?size=preview", seen.Only("GET", $"/api/assets/{SomeAsset}/thumbnail").Query);
    }

    [Fact]
    public async Task Thumbnail_WithUnknownFormat_Is400()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, "GET", $"/api/assets/{SomeAsset}/thumbnail?format=gif");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Empty(seen);
    }

    [Fact]
    public async Task Thumbnail_ConditionalRequest_GetsImmichs304()
    {
        // An asset of its own: had another test here fetched it (any size), the cache would hold an access record for
        // Alice and answer the 304 itself after fetching the image whole.
        var asset = gateway.Immich.AddAlbum(1, TestUsers.Alice).Cover!.Value;
        var etag = Recordings.Get("GET_api_assets_{id}_thumbnail.admin.json").Headers["etag"];
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/assets/{asset}/thumbnail");
        request.Headers.TryAddWithoutValidation("If-None-Match", etag);

        var (response, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, request);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal(etag, seen.Only("GET", $"/api/assets/{asset}/thumbnail").Header("if-none-match"));
    }

    [Fact]
    public async Task RestoreAsset_RestoresFromTrash()
    {
        var id = Guid.NewGuid();

        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "PUT", $"/api/assets/{id}/restore");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        seen.Only("POST", "/api/trash/restore/assets").BodyIs($"{{\"ids\":[\"{id}\"]}}");
    }

    [Theory]
    [InlineData(null, "{\"visibility\":\"archive\"}")]
    [InlineData("{\"isArchived\":true}", "{\"visibility\":\"archive\"}")]
    [InlineData("{\"isArchived\":false}", "{\"visibility\":\"timeline\"}")]
    public async Task ArchiveAsset_SetsVisibility(string? body, string expected)
    {
        var id = Guid.NewGuid();

        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "PUT", $"/api/assets/{id}/archive", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        seen.Only("PUT", $"/api/assets/{id}").BodyIs(expected);
    }

    [Theory]
    [InlineData(null, "{\"isFavorite\":true}")]
    [InlineData("{\"isFavorite\":false}", "{\"isFavorite\":false}")]
    public async Task FavoriteAsset_SetsIsFavorite(string? body, string expected)
    {
        var id = Guid.NewGuid();

        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "PUT", $"/api/assets/{id}/favorite", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        seen.Only("PUT", $"/api/assets/{id}").BodyIs(expected);
    }

    [Fact]
    public async Task CreateUser_GoesToTheAdminRouteWithTheSameBody()
    {
        const string body = "{\"email\":\"new@example.com\",\"name\":\"New\",\"password\":\"pw\"}";

        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "POST", "/api/users", body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(body, seen.Only("POST", "/api/admin/users").BodyText);
    }

    [Fact]
    public async Task CreateUser_ByANonAdmin_KeepsImmichs403()
    {
        var (response, _) = await gateway.SendAsync(TestUsers.AliceKiosk, "POST", "/api/users", "{\"email\":\"x@example.com\",\"name\":\"X\",\"password\":\"pw\"}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task UpdateUser_AnotherUser_GoesToTheAdminRoute()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "PUT", $"/api/users/{TestUsers.Bob.Id}", "{\"name\":\"Robert\"}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["GET /api/users/me", $"PUT /api/admin/users/{TestUsers.Bob.Id}"], seen.Select(s => $"{s.Method} {s.Path}"));
        Assert.Equal("{\"name\":\"Robert\"}", seen[1].BodyText);
    }

    [Fact]
    public async Task UpdateUser_AnAdminThemselves_GoesToTheAdminRoute()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "PUT", $"/api/users/{TestUsers.Ada.Id}", "{\"name\":\"Ada L.\"}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["GET /api/users/me", $"PUT /api/admin/users/{TestUsers.Ada.Id}"], seen.Select(s => $"{s.Method} {s.Path}"));
    }

    [Theory]
    [InlineData("", "{}")]
    [InlineData("?force=true", "{\"force\":true}")]
    public async Task DeleteUser_AlwaysSendsTheBodyImmichNeeds(string query, string expected)
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "DELETE", $"/api/users/{TestUsers.Bob.Id}{query}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        seen.Only("DELETE", $"/api/admin/users/{TestUsers.Bob.Id}").BodyIs(expected);
    }

    [Fact]
    public async Task SetProfileImage_ForTheCallerThemself_UploadsTheirImage()
    {
        var image = Recordings.Get("GET_api_assets_{id}_thumbnail.admin.json").BodyBytes;
        using var form = new MultipartFormDataContent { { new ByteArrayContent(image) { Headers = { ContentType = new MediaTypeHeaderValue("image/webp") } }, "file", "me.webp" } };
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/users/{TestUsers.Alice.Id}/profile-image") { Content = form };
        var sent = await form.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        var (response, seen) = await gateway.SendAsync(TestUsers.AlicePhone, request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(2, seen.Count);
        Assert.Equal("/api/users/me", seen[0].Path);
        Assert.Equal(("POST", "/api/users/profile-image"), (seen[1].Method, seen[1].Path));
        Assert.Equal(sent, seen[1].Body);
        Assert.StartsWith("multipart/form-data", seen[1].Header("content-type"));
    }

    [Fact]
    public async Task SetProfileImage_ForSomeoneElse_Is403ProblemAndNothingIsUploaded()
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "file", "x.jpg" } };
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/users/{TestUsers.Bob.Id}/profile-image") { Content = form };

        var (response, seen) = await gateway.SendAsync(TestUsers.AlicePhone, request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        seen.Only("GET", "/api/users/me");
    }

    /// <summary>Bad input to a translated route is refused before Immich is called, even to ask who the caller is.</summary>
    [Theory]
    [InlineData(true, "{\"file\":\"x\"}", "application/json")]
    [InlineData(true, null, null)]
    [InlineData(false, "x", "image/jpeg")]
    public async Task SetProfileImage_WithoutAMultipartBody_Is400Problem_AndImmichIsNotCalled(bool self, string? body, string? contentType)
    {
        var user = self ? TestUsers.Alice : TestUsers.Bob;
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/users/{user.Id}/profile-image");
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, contentType!);
        }

        var (response, seen) = await gateway.SendAsync(TestUsers.AlicePhone, request);

        Assert.Contains("multipart/form-data", await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest));
        Assert.Empty(seen);
    }

    [Fact]
    public async Task RemoveOffline_StartsAScanAndSaysSo()
    {
        var library = Guid.NewGuid();

        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "POST", $"/api/libraries/{library}/remove-offline");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.True(body["scanStarted"]!.GetValue<bool>());
        Assert.Contains("during library scans", body["message"]!.GetValue<string>());
        seen.Only("POST", $"/api/libraries/{library}/scan");
    }

    [Fact]
    public async Task RemoveOffline_ByANonAdmin_KeepsImmichs403()
    {
        var (response, _) = await gateway.SendAsync(TestUsers.AliceKiosk, "POST", $"/api/libraries/{Guid.NewGuid()}/remove-offline");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("{\"message\":\"Forbidden\"}", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task SearchAssets_IsSearchMetadataWithTheSameBody()
    {
        const string body = "{\"isFavorite\":true}";

        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "POST", "/api/search/assets", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, seen.Only("POST", "/api/search/metadata").BodyText);
        Assert.Equal(Recordings.Get("POST_api_search_metadata.isFavorite.admin.json").BodyBytes, await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task SearchableFields_ListTheFieldsWithSuggestionsForTheEnumerableOnes()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "GET", "/api/search/metadata");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var fields = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["fields"]!.AsArray();
        var make = fields.Single(f => f!["name"]!.GetValue<string>() == "make")!;
        var expectedMakes = Recordings.Get("GET_api_search_suggestions__type=camera-make.admin.json").Body!.AsArray().Select(v => v!.GetValue<string>());
        Assert.Equal(expectedMakes, make["values"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(["RecCam Model 1", "RecCam Model 2"], fields.Single(f => f!["name"]!.GetValue<string>() == "model")!["values"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Contains(fields, f => f!["name"]!.GetValue<string>() == "takenAfter" && f["values"] is null);
        Assert.Equal(
            ["camera-lens-model", "camera-make", "camera-model", "city", "country", "state"],
            seen.Select(s => { Assert.Equal("/api/search/suggestions", s.Path); return s.Query.Replace("?type=", ""); }).Order());
    }

    [Fact]
    public async Task SearchableFields_WhenSuggestionsFail_ListTheFieldsWithoutValuesAndNameThem()
    {
        gateway.Immich.Failing["getSearchSuggestions"] = true;
        try
        {
            var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "GET", "/api/search/metadata");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
            Assert.Equal(["country", "state", "city", "make", "model", "lensModel"], body["unavailable"]!.AsArray().Select(v => v!.GetValue<string>()));
            var fields = body["fields"]!.AsArray();
            Assert.All(fields, f => Assert.Null(f!["values"]));
            Assert.Contains(fields, f => f!["name"]!.GetValue<string>() == "make" && f["type"]!.GetValue<string>() == "string");
            Assert.All(seen, s => Assert.Equal("/api/search/suggestions", s.Path));
            Assert.Equal(6, seen.Select(s => s.Query).Distinct().Count());
        }
        finally
        {
            gateway.Immich.Failing.TryRemove("getSearchSuggestions", out _);
        }
    }

    [Theory]
    [InlineData("thumbnail-generation", "thumbnailGeneration")]
    [InlineData("video-transcoding", "videoConversion")]
    [InlineData("metadata-extraction", "metadataExtraction")]
    [InlineData("face-detection", "faceDetection")]
    [InlineData("search-indexing", "smartSearch")]
    public async Task StartJob_WithAReferenceName_StartsItsQueue(string reference, string queue)
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "POST", "/api/jobs", $"{{\"name\":\"{reference}\",\"force\":true}}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        seen.Only("PUT", $"/api/jobs/{queue}").BodyIs("{\"command\":\"start\",\"force\":true}");
    }

    [Fact]
    public async Task StartJob_WithAnImmichManualJob_IsForwardedAsItIs()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "POST", "/api/jobs", "{\"name\":\"person-cleanup\"}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        seen.Only("POST", "/api/jobs").BodyIs("{\"name\":\"person-cleanup\"}");
    }

    [Theory]
    [InlineData("{\"name\":\"defragment-the-photos\"}")]
    [InlineData("{}")]
    [InlineData("{\"name\":")]
    public async Task StartJob_WithUnknownNameOrBadBody_Is400WithoutCallingImmich(string body)
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "POST", "/api/jobs", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(seen);
    }

    [Fact]
    public async Task CancelJob_EmptiesTheQueueWithTheBodyImmichNeeds()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "DELETE", "/api/jobs/video-transcoding");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        seen.Only("DELETE", "/api/queues/videoConversion/jobs").BodyIs("{}");
    }

    [Fact]
    public async Task CancelJob_WithUnknownName_Is400WithoutCallingImmich()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "DELETE", "/api/jobs/1234");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Empty(seen);
    }

    [Fact]
    public async Task UpdateSharedLink_Put_IsSentAsPatch()
    {
        var link = Guid.NewGuid();

        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "PUT", $"/api/shared-links/{link}", "{\"description\":\"new\"}");

        var patch = seen.Only("PATCH", $"/api/shared-links/{link}");
        Assert.Equal("{\"description\":\"new\"}", patch.BodyText);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var echo = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!; // the fake's answer, passed through
        Assert.Equal(("updateSharedLink", "PATCH", TestUsers.Ada.Id, patch.BodySha256),
            (echo["operationId"]!.GetValue<string>(), echo["method"]!.GetValue<string>(), echo["user"]!.GetValue<string>(), echo["bodySha256"]!.GetValue<string>()));
    }

    [Fact]
    public async Task DownloadInfo_Get_IsPostedWithEveryAssetId()
    {
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "GET", $"/api/download/info?assetIds={a},{b}&assetIds={c}&albumId={FakeImmich.AlbumOne}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        seen.Only("POST", "/api/download/info").BodyIs($"{{\"assetIds\":[\"{a}\",\"{b}\",\"{c}\"],\"albumId\":\"{FakeImmich.AlbumOne}\"}}");
    }

    [Theory]
    [InlineData("/api/download/info?assetIds=nope")]
    [InlineData("/api/download/info")]
    [InlineData("/api/download/archive?albumId=nope")]
    [InlineData("/api/download/archive")]
    public async Task Download_WithBadQuery_Is400WithoutCallingImmich(string url)
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "GET", url);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Empty(seen);
    }

    [Fact]
    public async Task DownloadArchive_Get_IsPostedAndTheZipStreamsBack()
    {
        var id = Guid.NewGuid();

        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "GET", $"/api/download/archive?assetIds={id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        seen.Only("POST", "/api/download/archive").BodyIs($"{{\"assetIds\":[\"{id}\"]}}");
    }

    [Theory]
    [InlineData("GET", "/api/albums/statistics")]
    [InlineData("GET", "/api/assets/statistics")]
    [InlineData("PUT", "/api/albums/assets")]
    [InlineData("PUT", "/api/users/me")]
    [InlineData("GET", "/api/jobs")]
    [InlineData("GET", "/api/albums/not-a-uuid")]
    [InlineData("DELETE", "/api/assets")]
    public async Task CurrentImmichRoute_AtAReferenceShapedPath_IsNotTranslated(string method, string path)
    {
        var (_, seen) = await gateway.SendAsync(TestUsers.AdaCli, method, path, method is "GET" ? null : "{\"ids\":[]}");

        var request = Assert.Single(seen);
        Assert.Equal((method, path), (request.Method, request.Path));
    }

    [Theory]
    [InlineData("/api/assets/{0}/thumbnail", "N")]
    [InlineData("/api/assets/{0}/thumbnail", "B")]
    [InlineData("/api/assets/{0}/thumbnail", "P")]
    [InlineData("/api/albums/{0}", "N")]
    [InlineData("/api/albums/{0}", "B")]
    public async Task Uuid_InAFormImmichRefuses_MatchesNoRowAndImmichAnswersIt(string template, string format)
    {
        // .NET reads 32 bare digits, braces and parentheses as a Guid; Immich reads only 8-4-4-4-12. A row taking
        // them would send Immich the canonical form (and the thumbnail row would answer from the cache).
        var id = Guid.Parse(SomeAsset).ToString(format);
        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Uri.EscapeDataString(id));

        var (response, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, "GET", path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Invalid UUID", JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["errors"]![0]!["message"]!.GetValue<string>());
        var request = Assert.Single(seen);
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, id), request.Path);
        Assert.Equal(TestUsers.Alice.ImmichKey, request.Header("x-api-key"));
    }
}
