using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ImmichGateway.Tests.Fixtures;

/// <summary>
/// Keeps the fake honest: it must answer the recorded requests as the real Immich 3.1.0 did, answer nothing the
/// OpenAPI document does not declare (bar Immich's own error shapes), and behave as OBSERVED.md says where the spec
/// and the server differ. These requests go straight to the fake, not through the gateway.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class FakeImmichContractTests(GatewayFactory factory)
{
    private const string MultipartBoundary = "contract-boundary";

    /// <summary>
    /// Recordings whose body the fake cannot reproduce: the upload mints a new asset id each time (the real server
    /// did too); status, content type and body shape still have to match. They are replayed to a fake of their own:
    /// the same file uploaded twice is a duplicate (200) the second time, for the fake as for Immich.
    /// </summary>
    private static readonly HashSet<string> FreshState = ["POST_api_assets.admin.json"];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static TheoryData<string> RecordingFiles => new(Recordings.All.Select(r => r.File));

    public static TheoryData<string> Operations => new(ImmichSpec.Operations.Select(o => $"{o.Method} {o.Template}"));

    public static TheoryData<string> AdminOnlyOperations =>
        new(ImmichSpec.Operations.Where(o => o.IsAdminOnly).Select(o => $"{o.Method} {o.Template}"));

    [Theory]
    [MemberData(nameof(RecordingFiles))]
    public async Task RecordedRequest_SentToFake_AnswersAsImmichDid(string file)
    {
        var recording = Recordings.Get(file);
        await using var fresh = FreshState.Contains(file) ? await FakeImmich.StartAsync() : null;
        using var client = DirectClient(fake: fresh);
        using var request = Replay(recording);

        using var response = await client.SendAsync(request, Cancel);

        Assert.Equal(recording.Status, (int)response.StatusCode);
        Assert.Equal(MediaType(recording.ContentType), response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsByteArrayAsync(Cancel);
        if (FreshState.Contains(file))
        {
            var json = JsonNode.Parse(body)!.AsObject();
            Assert.Equal(recording.Body!.AsObject().Select(p => p.Key), json.Select(p => p.Key));
            Assert.True(Guid.TryParse(json["id"]!.GetValue<string>(), out _));
            return;
        }
        if (recording.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true)
        {
            Assert.Equal(Encoding.UTF8.GetString(recording.BodyBytes), Encoding.UTF8.GetString(body));
        }
        else
        {
            Assert.Equal(recording.BodyBytes, body);
        }
        foreach (var (name, value) in recording.Headers.Where(h => h.Key != "content-length"))
        {
            Assert.Equal((name, value), (name, HeaderValue(response, name)));
        }
        if (recording.Headers.TryGetValue("content-length", out var length))
        {
            // A few recordings lost bytes of the JSON the server sent; what the fake sends must add up on its own.
            Assert.Equal(HttpMethods.IsHead(recording.Method) ? long.Parse(length) : body.Length, response.Content.Headers.ContentLength);
        }
    }

    [Theory]
    [MemberData(nameof(RecordingFiles))]
    public async Task RecordedRequest_SentToFake_AnswersOnlyWhatTheSpecDeclares(string file)
    {
        var recording = Recordings.Get(file);
        using var client = DirectClient();
        using var request = Replay(recording);
        var operation = ImmichSpec.Find(recording.Method, recording.Path, out _);

        using var response = await client.SendAsync(request, Cancel);

        if (recording.Path == "/.well-known/immich")
        {
            // Served by Immich's web server, outside the API and so outside its OpenAPI document.
            Assert.Null(operation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return;
        }
        await AssertDeclaredAsync(operation, request, response);
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task SpecOperation_CalledByAdmin_AnswersOnlyWhatTheSpecDeclares(string route)
    {
        var operation = Operation(route);
        using var client = DirectClient(TestUsers.Ada.ImmichKey);
        using var request = Probe(operation);

        using var response = await client.SendAsync(request, Cancel);

        Assert.Same(operation, ImmichSpec.Find(operation.Method, request.RequestUri!.AbsolutePath, out _));
        Assert.Contains((int)response.StatusCode, operation.StatusCodes);
        await AssertDeclaredAsync(operation, request, response);
    }

    [Fact]
    public async Task AnUnknownAsset_IsImmichs400_AsRecorded()
    {
        var recorded = Recordings.Get("GET_api_assets_{random-uuid}.admin.json");
        using var client = DirectClient(TestUsers.Ada.ImmichKey);

        using var response = await client.GetAsync($"/api/assets/{Guid.NewGuid()}", Cancel);

        await AssertImmichErrorAsync(response, (HttpStatusCode)recorded.Status, recorded.Body!["message"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(AdminOnlyOperations))]
    public async Task AdminOnlyOperation_CalledByNonAdmin_IsForbidden(string route)
    {
        using var client = DirectClient(TestUsers.Alice.ImmichKey);
        using var request = Probe(Operation(route));

        using var response = await client.SendAsync(request, Cancel);

        await AssertImmichErrorAsync(response, HttpStatusCode.Forbidden, "Forbidden");
    }

    [Theory]
    [InlineData(null, "Authentication required")]
    [InlineData("imk_not_a_key_Immich_knows", "Invalid API key")]
    public async Task ProtectedRoute_WithoutAValidKey_IsUnauthorized(string? key, string message)
    {
        using var client = DirectClient(key);

        using var response = await client.GetAsync("/api/users/me", Cancel);

        await AssertImmichErrorAsync(response, HttpStatusCode.Unauthorized, message);
    }

    [Theory]
    [InlineData("GET", "/api/assets")]
    [InlineData("DELETE", "/api/assets/1564c2d8-8ce2-4842-a7e8-9810c8e1e8fa")]
    [InlineData("PUT", "/api/albums/1001bb5e-afab-4dd6-918c-53bf41379a9d")]
    [InlineData("PUT", "/api/shared-links/26215866-9eff-49a4-bd1e-e7fae9e20773")]
    [InlineData("POST", "/api/libraries/3f1b7c1e-0a7d-4a53-9d1c-5b2f6f0e8a11/remove-offline")]
    public async Task RouteGoneInImmichV3_Called_IsCannotMethodPath(string method, string path)
    {
        using var client = DirectClient(TestUsers.Ada.ImmichKey);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        using var response = await client.SendAsync(request, Cancel);

        await AssertImmichErrorAsync(response, HttpStatusCode.NotFound, $"Cannot {method} {path}");
    }

    [Theory]
    [InlineData("DELETE", "/api/admin/users/431e7ef6-1108-4986-97f8-e85c6e35b2c6", null, HttpStatusCode.BadRequest)]
    [InlineData("DELETE", "/api/admin/users/431e7ef6-1108-4986-97f8-e85c6e35b2c6", "{}", HttpStatusCode.OK)]
    [InlineData("DELETE", "/api/queues/metadataExtraction/jobs", null, HttpStatusCode.BadRequest)]
    [InlineData("DELETE", "/api/queues/metadataExtraction/jobs", "{}", HttpStatusCode.NoContent)]
    [InlineData("DELETE", "/api/assets", null, HttpStatusCode.BadRequest)]
    [InlineData("PATCH", "/api/assets/1564c2d8-8ce2-4842-a7e8-9810c8e1e8fa", """{"isFavorite":true}""", HttpStatusCode.OK)]
    [InlineData("PATCH", "/api/assets", """{"ids":["1564c2d8-8ce2-4842-a7e8-9810c8e1e8fa"],"isFavorite":true}""", HttpStatusCode.NoContent)]
    [InlineData("PATCH", "/api/admin/users/431e7ef6-1108-4986-97f8-e85c6e35b2c6", """{"name":"New"}""", HttpStatusCode.OK)]
    [InlineData("POST", "/api/libraries/3f1b7c1e-0a7d-4a53-9d1c-5b2f6f0e8a11/scan", null, HttpStatusCode.NoContent)]
    [InlineData("POST", "/api/libraries/3f1b7c1e-0a7d-4a53-9d1c-5b2f6f0e8a11/scan", "{}", HttpStatusCode.NoContent)]
    [InlineData("GET", "/api/assets/1564c2d8-8ce2-4842-a7e8-9810c8e1e8fa/thumbnail?size=bogus", null, HttpStatusCode.BadRequest)]
    public async Task ObservedBehaviour_AsAdmin_IsWhatImmichDid(string method, string path, string? body, HttpStatusCode expected)
    {
        using var client = DirectClient(TestUsers.Ada.ImmichKey);
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"),
        };

        using var response = await client.SendAsync(request, Cancel);

        Assert.Equal(expected, response.StatusCode);
        if ((int)expected >= 400)
        {
            await AssertImmichErrorAsync(response, expected, message: null);
        }
    }

    [Fact]
    public async Task AlbumUser_LeavingWithMe_IsRemovedButTheOwnerCannotLeave()
    {
        var album = factory.Immich.AddAlbum(1, TestUsers.Ada, true, (TestUsers.Bob, "viewer"));
        using var bob = DirectClient(TestUsers.Bob.ImmichKey);
        using var ada = DirectClient(TestUsers.Ada.ImmichKey);

        using var left = await bob.DeleteAsync($"/api/albums/{album.Id}/user/me", Cancel);
        using var again = await bob.DeleteAsync($"/api/albums/{album.Id}/user/me", Cancel);
        using var owner = await ada.DeleteAsync($"/api/albums/{album.Id}/user/me", Cancel);

        Assert.Equal(HttpStatusCode.NoContent, left.StatusCode);
        Assert.False(album.CanRead(TestUsers.Bob));
        await AssertImmichErrorAsync(again, HttpStatusCode.BadRequest, "Album not shared with user");
        await AssertImmichErrorAsync(owner, HttpStatusCode.BadRequest, "Cannot remove the last album owner");
    }

    [Theory]
    [InlineData(ThumbnailServing.OctetStream, "application/octet-stream", true)]
    [InlineData(ThumbnailServing.Chunked, "image/webp", false)]
    public async Task Thumbnail_ServedOtherwiseForATest_IsStillWhatTheSpecDeclares(ThumbnailServing serving, string mediaType, bool hasLength)
    {
        var asset = Guid.NewGuid().ToString(); // the admin sees every asset
        factory.Immich.ThumbnailServings[asset] = serving;
        var path = $"/api/assets/{asset}/thumbnail";
        using var client = DirectClient(TestUsers.Ada.ImmichKey);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancel); // headers as sent

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(hasLength, response.Content.Headers.ContentLength is not null);
        await response.Content.LoadIntoBufferAsync(Cancel);
        Assert.Equal(Recordings.Get("GET_api_assets_{id}_thumbnail.admin.json").BodyBytes, await response.Content.ReadAsByteArrayAsync(Cancel));
        await AssertDeclaredAsync(ImmichSpec.Find("GET", path, out _), request, response);
    }

    /// <summary>A key without <c>all</c> (API-NOTES: permissions): what it lacks is a 403 naming it, after the admin check; /api-keys/me lists what it holds.</summary>
    [Fact]
    public async Task RestrictedApiKey_GetsMissingPermission_AndSeesItsPermissions()
    {
        const string key = "imk_contract_restricted_Zx1cV2bN3mQ4wE5rT6y";
        factory.Immich.ApiKeys[key] = (TestUsers.Ada, ["user.read"]);
        using var client = DirectClient(key);

        using var statistics = await client.GetAsync("/api/server/statistics", Cancel);
        using var me = await client.GetAsync("/api/users/me", Cancel);
        using var mine = await client.GetAsync("/api/api-keys/me", Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, statistics.StatusCode);
        Assert.Equal("{\"message\":\"Missing required permission: server.statistics\"}", await statistics.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal("[\"user.read\"]", JsonNode.Parse(await mine.Content.ReadAsStringAsync(Cancel))!["permissions"]!.ToJsonString());
    }

    [Fact]
    public async Task Thumbnail_IfNoneMatchWithNoCache_IsAnsweredWhole()
    {
        using var client = DirectClient(TestUsers.Ada.ImmichKey);
        const string path = "/api/assets/1564c2d8-8ce2-4842-a7e8-9810c8e1e8fa/thumbnail";
        using var first = await client.GetAsync(path, Cancel);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("If-None-Match", first.Headers.ETag!.ToString());
        request.Headers.TryAddWithoutValidation("Cache-Control", "no-cache");

        using var response = await client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(Cancel), await response.Content.ReadAsByteArrayAsync(Cancel));
    }

    [Theory]
    [InlineData("?size=fullsize", "original?")]
    [InlineData("?size=original&edited=true", "original?edited=true")]
    public async Task Thumbnail_FullsizeRequested_RedirectsRelativelyToOriginal(string query, string location)
    {
        using var client = DirectClient(TestUsers.Ada.ImmichKey);

        using var response = await client.GetAsync($"/api/assets/1564c2d8-8ce2-4842-a7e8-9810c8e1e8fa/thumbnail{query}", Cancel);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(location, response.Headers.Location?.OriginalString);
    }

    /// <summary>As Express's <c>fresh</c> decides (OBSERVED.md #17 for the first two): exact or weak, <c>*</c>, or in a list.</summary>
    [Theory]
    [InlineData("\"4cc-JCiDvdhS+Pbls2cdmeSmJxQNeAM\"")]
    [InlineData("W/\"4cc-JCiDvdhS+Pbls2cdmeSmJxQNeAM\"")]
    [InlineData("*")]
    [InlineData("\"other\", W/\"4cc-JCiDvdhS+Pbls2cdmeSmJxQNeAM\"")]
    public async Task Album_IfNoneMatchWithItsETag_IsNotModified(string ifNoneMatch)
    {
        using var client = DirectClient(TestUsers.Alice.ImmichKey);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/albums/1001bb5e-afab-4dd6-918c-53bf41379a9d");
        request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);

        using var response = await client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Cancel));
    }

    [Fact]
    public async Task Album_IfNoneMatchWithNoCache_IsAnsweredWhole()
    {
        using var client = DirectClient(TestUsers.Alice.ImmichKey);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/albums/1001bb5e-afab-4dd6-918c-53bf41379a9d");
        request.Headers.TryAddWithoutValidation("If-None-Match", "*");
        request.Headers.TryAddWithoutValidation("Cache-Control", "no-cache");

        using var response = await client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AlbumMadeByATest_IfNoneMatchWithItsETag_IsNotModified()
    {
        var album = factory.Immich.AddAlbum(1, TestUsers.Ada);
        using var client = DirectClient(TestUsers.Ada.ImmichKey);
        using var first = await client.GetAsync($"/api/albums/{album.Id}", Cancel);
        using var again = new HttpRequestMessage(HttpMethod.Get, $"/api/albums/{album.Id}");
        again.Headers.TryAddWithoutValidation("If-None-Match", first.Headers.ETag!.ToString());

        using var response = await client.SendAsync(again, Cancel);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal(first.Headers.ETag, response.Headers.ETag);
    }

    private HttpClient DirectClient(string? immichKey = null, FakeImmich? fake = null)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = (fake ?? factory.Immich).BaseUrl };
        if (immichKey is not null)
        {
            client.DefaultRequestHeaders.Add("x-api-key", immichKey);
        }
        return client;
    }

    /// <summary>The recorded request as it was sent, with the recorded user's Immich key.</summary>
    private static HttpRequestMessage Replay(Recording recording)
    {
        var query = string.Join('&', recording.Query.Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value)}"));
        var request = new HttpRequestMessage(new HttpMethod(recording.Method), recording.Path + (query.Length > 0 ? "?" + query : ""));
        var key = recording.Auth switch
        {
            "admin" => TestUsers.Ada.ImmichKey,
            "user1" => TestUsers.Alice.ImmichKey,
            "user2" => TestUsers.Bob.ImmichKey,
            "invalid" => "imk_not_a_key_Immich_knows",
            _ => null,
        };
        if (key is not null)
        {
            request.Headers.Add("x-api-key", key);
        }
        foreach (var name in new[] { "range", "if-none-match" })
        {
            if (recording.RequestHeaders.TryGetValue(name, out var value))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
        if (recording.RequestBody?["multipart/form-data"] is JsonObject form)
        {
            request.Content = Multipart(form);
            if (recording.File.Contains(".duplicate."))
            {
                // The fake cannot hash a file it was never given (the recording keeps only the SHA-1), so it knows
                // the duplicate by the checksum header Immich's own clients send with an upload.
                request.Headers.Add("x-immich-checksum", form["assetData"]!["sha1"]!.GetValue<string>());
            }
        }
        else if (recording.RequestBody is { } json)
        {
            request.Content = new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json");
        }
        return request;
    }

    private static MultipartFormDataContent Multipart(JsonObject form)
    {
        var content = new MultipartFormDataContent(MultipartBoundary);
        foreach (var (name, value) in form)
        {
            if (value is JsonObject file)
            {
                var bytes = new ByteArrayContent(new byte[file["bytes"]!.GetValue<int>()]);
                bytes.Headers.ContentType = new MediaTypeHeaderValue(file["content-type"]!.GetValue<string>());
                content.Add(bytes, name, file["filename"]!.GetValue<string>());
            }
            else
            {
                content.Add(new StringContent(value!.GetValue<string>()), name);
            }
        }
        return content;
    }

    /// <summary>A request to <paramref name="operation"/>: uuids for uuid parameters, a body when one is required.</summary>
    private HttpRequestMessage Probe(ImmichOperation operation)
    {
        // Albums and assets are state the fake checks (an unknown one is Immich's 400), so their routes probe a real one, and
        // removing an album user removes a member of an album of the probe's own; suggestions need their required type.
        if (operation.OperationId == "removeUserFromAlbum")
        {
            var album = factory.Immich.AddAlbum(0, TestUsers.Ada, false, (TestUsers.Bob, "viewer"));
            return new HttpRequestMessage(HttpMethod.Delete, $"/api/albums/{album.Id}/user/{TestUsers.Bob.Id}");
        }
        if (operation.OperationId == "getAssetInfo") // an unknown asset is Immich's 400 too (recorded): probe the recorded one
        {
            return new HttpRequestMessage(HttpMethod.Get, Recordings.Get("GET_api_assets_{id}.admin.json").Path);
        }
        var path = System.Text.RegularExpressions.Regex.Replace(operation.Template, @"\{(\w+)}",
            m => !operation.UuidParameters.Contains(m.Groups[1].Value) ? "probe"
                : operation.Template.StartsWith("/albums/{id}", StringComparison.Ordinal) ? FakeImmich.AlbumOne.ToString() : Guid.NewGuid().ToString());
        if (operation.OperationId == "getSearchSuggestions")
        {
            path += "?type=country";
        }
        // Bodies the fake reads for its state must be valid ones (an empty object is Immich's 400 there).
        var body = operation.OperationId switch
        {
            "createAlbum" => """{"albumName":"probe"}""",
            "addAssetsToAlbum" => """{"ids":[]}""",
            "checkBulkUpload" => """{"assets":[]}""",
            _ => "{}",
        };
        return new HttpRequestMessage(new HttpMethod(operation.Method), "/api" + path)
        {
            Content = operation.RequiresBody ? new StringContent(body, Encoding.UTF8, "application/json") : null,
        };
    }

    private static ImmichOperation Operation(string route) =>
        ImmichSpec.Operations.Single(o => $"{o.Method} {o.Template}" == route);

    /// <summary>
    /// The answer is one the spec declares for the operation (status and media type; the spec says
    /// application/octet-stream for every file, the server sends the file's own image or video type), an HTTP-level
    /// answer to a conditional or range request, or one of Immich's JSON errors.
    /// </summary>
    private static async Task AssertDeclaredAsync(ImmichOperation? operation, HttpRequestMessage request, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var body = await response.Content.ReadAsByteArrayAsync(Cancel);
        if (operation is null || (status is 400 or 401 or 403 or 404 && !operation.StatusCodes.Contains(status)))
        {
            await AssertImmichErrorAsync(response, (HttpStatusCode)status, message: null);
            return;
        }
        if (status == 304 && request.Headers.IfNoneMatch.Count > 0)
        {
            Assert.Empty(body);
            return;
        }
        var declaredStatus = status == 206 && request.Headers.Range is not null ? operation.SuccessStatus : status;
        Assert.Contains(declaredStatus, operation.StatusCodes);
        var declared = operation.ContentTypes[declaredStatus];
        if (declared.Count == 0)
        {
            Assert.Null(mediaType);
            Assert.Empty(body);
        }
        else if (declared.Contains("application/octet-stream") && mediaType is not null &&
                 (mediaType.StartsWith("image/", StringComparison.Ordinal) || mediaType.StartsWith("video/", StringComparison.Ordinal)))
        {
            Assert.True(body.Length > 0 || HttpMethods.IsHead(request.Method.Method));
        }
        else
        {
            Assert.Contains(mediaType, declared);
        }
    }

    /// <summary>Immich's error shape: <c>{"message": string}</c>, plus <c>errors</c> for validation failures, nothing else.</summary>
    private static async Task AssertImmichErrorAsync(HttpResponseMessage response, HttpStatusCode status, string? message)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.NotFound });
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!.AsObject();
        Assert.All(json.Select(p => p.Key), key => Assert.Contains(key, new[] { "message", "errors" }));
        Assert.Equal(JsonValueKind.String, json["message"]!.GetValueKind());
        if (json["errors"] is { } errors)
        {
            Assert.Equal(JsonValueKind.Array, errors.GetValueKind());
        }
        if (message is not null)
        {
            Assert.Equal(new JsonObject { ["message"] = message }.ToJsonString(), json.ToJsonString());
        }
    }

    private static string? MediaType(string? contentType) =>
        contentType is null ? null : MediaTypeHeaderValue.Parse(contentType).MediaType;

    /// <summary>The header as sent (HttpClient would re-order the parts of a Cache-Control it parsed).</summary>
    private static string? HeaderValue(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) || response.Content.Headers.NonValidated.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;
}
