using System.Net;
using System.Text.Json.Nodes;
using ImmichGateway.Tests.Fixtures;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace ImmichGateway.Tests.OpenApi;

[Collection(GatewayCollection.Name)]
public sealed class OpenApiDocumentTests(GatewayFactory gateway)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Every route of the reference table, as the document must list it.</summary>
    public static TheoryData<string, string> ReferenceRoutes => new()
    {
        { "GET", "/api/server-info/ping" }, { "GET", "/api/server-info/stats" }, { "GET", "/api/server-info/features" },
        { "GET", "/api/albums/{id}" }, { "PUT", "/api/albums/{id}" }, { "GET", "/api/albums/{id}/cover-image" }, { "PUT", "/api/albums/{id}/cover-image" },
        { "GET", "/api/assets" }, { "DELETE", "/api/assets/{id}" }, { "GET", "/api/assets/{id}/thumbnail" }, { "PUT", "/api/assets/{id}/restore" },
        { "PUT", "/api/assets/{id}/archive" }, { "PUT", "/api/assets/{id}/favorite" },
        { "POST", "/api/users" }, { "PUT", "/api/users/{id}" }, { "DELETE", "/api/users/{id}" }, { "PUT", "/api/users/{id}/profile-image" },
        { "POST", "/api/libraries/{id}/remove-offline" }, { "POST", "/api/search/assets" }, { "GET", "/api/search/metadata" },
        { "POST", "/api/jobs" }, { "DELETE", "/api/jobs/{name}" }, { "PUT", "/api/shared-links/{id}" },
        { "GET", "/api/download/info" }, { "GET", "/api/download/archive" },
    };

    [Fact]
    public async Task Document_IsValidOpenApi_WithTheGatewaysSecuritySchemes()
    {
        var document = await LoadAsync();

        Assert.Empty(document.Diagnostic!.Errors);
        var schemes = document.Document!.Components!.SecuritySchemes!;
        Assert.Equal(["Bearer", "ClientKey"], schemes.Keys.Order());
        Assert.Equal("x-api-key", schemes["ClientKey"].Name);
    }

    [Theory]
    [MemberData(nameof(ReferenceRoutes))]
    public async Task Document_ListsEveryReferenceRoute(string method, string path)
    {
        var document = (await LoadAsync()).Document!;

        Assert.True(document.Paths.TryGetValue(path, out var item), $"{path} is missing");
        Assert.Contains(item.Operations!, o => o.Key.Method == method);
    }

    [Fact]
    public async Task Document_EveryReferenceResolves()
    {
        using var client = gateway.CreateAnonymousClient();
        var json = JsonNode.Parse(await client.GetStringAsync("/swagger/v1/swagger.json", Cancel))!;

        var schemas = json["components"]!["schemas"]!.AsObject();
        Assert.All(References(json), reference =>
            Assert.True(schemas.ContainsKey(reference["#/components/schemas/".Length..]), $"{reference} is not in the document"));

        static IEnumerable<string> References(JsonNode? node) => node switch
        {
            JsonObject o => o.SelectMany(p => p.Key == "$ref" && p.Value!.GetValue<string>().StartsWith("#/components/schemas/", StringComparison.Ordinal)
                ? [p.Value.GetValue<string>()]
                : References(p.Value)),
            JsonArray a => a.SelectMany(References),
            _ => [],
        };
    }

    [Theory]
    [InlineData("PUT", "/api/albums/{id}/cover-image", "SetCoverImageRequest")]
    [InlineData("POST", "/api/jobs", "StartJobRequest")]
    [InlineData("PUT", "/api/assets/{id}/archive", "ArchiveRequest")]
    // bodies sent on to Immich as they came: Immich's own schemas
    [InlineData("PUT", "/api/albums/{id}", "Immich.UpdateAlbumDto")]
    [InlineData("POST", "/api/users", "Immich.UserAdminCreateDto")]
    [InlineData("PUT", "/api/users/{id}", "Immich.UserAdminUpdateDto")]
    [InlineData("PUT", "/api/users/{id}/profile-image", "Immich.CreateProfileImageDto", "multipart/form-data")]
    [InlineData("POST", "/api/search/assets", "Immich.MetadataSearchDto")]
    [InlineData("PUT", "/api/shared-links/{id}", "Immich.SharedLinkEditDto")]
    public async Task Document_DescribesRequestBodies(string method, string path, string schema, string contentType = "application/json")
    {
        var document = (await LoadAsync()).Document!;

        var operation = document.Paths[path].Operations!.Single(o => o.Key.Method == method).Value;
        var body = operation.RequestBody!.Content!.Single();
        Assert.Equal(contentType, body.Key);
        Assert.Equal(schema, (body.Value.Schema as OpenApiSchemaReference)?.Reference.Id);
    }

    /// <summary>
    /// The routes that answer with Immich's JSON as Immich sent it: the response schema of the Immich operation they
    /// translate to (checked against Immich's document here too), copied in under the prefix.
    /// </summary>
    [Theory]
    [InlineData("GET", "/api/server-info/ping", "200", "get /server/ping", "ServerPingResponse")]
    [InlineData("GET", "/api/server-info/stats", "200", "get /server/statistics", "ServerStatsResponseDto")]
    [InlineData("GET", "/api/server-info/features", "200", "get /server/features", "ServerFeaturesDto")]
    [InlineData("PUT", "/api/albums/{id}", "200", "patch /albums/{id}", "AlbumResponseDto")]
    [InlineData("PUT", "/api/albums/{id}/cover-image", "200", "patch /albums/{id}", "AlbumResponseDto")]
    [InlineData("PUT", "/api/assets/{id}/restore", "200", "post /trash/restore/assets", "TrashResponseDto")]
    [InlineData("PUT", "/api/users/{id}/profile-image", "201", "post /users/profile-image", "CreateProfileImageResponseDto")]
    [InlineData("POST", "/api/users", "201", "post /admin/users", "UserAdminResponseDto")]
    [InlineData("PUT", "/api/users/{id}", "200", "put /admin/users/{id}", "UserAdminResponseDto")]
    [InlineData("DELETE", "/api/users/{id}", "200", "delete /admin/users/{id}", "UserAdminResponseDto")]
    [InlineData("POST", "/api/search/assets", "200", "post /search/metadata", "SearchResponseDto")]
    [InlineData("POST", "/api/jobs", "200", "put /jobs/{name}", "QueueResponseLegacyDto")]
    [InlineData("PUT", "/api/shared-links/{id}", "200", "patch /shared-links/{id}", "SharedLinkResponseDto")]
    public async Task ImmichAnswers_AreDocumentedWithImmichsSchemas(string method, string path, string status, string immichOperation, string schema)
    {
        var document = (await LoadAsync()).Document!;

        var response = document.Paths[path].Operations!.Single(o => o.Key.Method == method).Value.Responses![status];
        Assert.Equal("Immich." + schema, (response.Content!["application/json"].Schema as OpenApiSchemaReference)?.Reference.Id);
        var (immichMethod, immichPath) = (immichOperation.Split(' ')[0], immichOperation.Split(' ')[1]);
        var immich = ImmichDocument()["paths"]![immichPath]![immichMethod]!["responses"]![status]!["content"]!["application/json"]!["schema"]!["$ref"];
        Assert.Equal("#/components/schemas/" + schema, immich?.GetValue<string>());
    }

    [Fact]
    public async Task ReferenceRoutes_DocumentEveryJsonBodyWithASchemaInTheDocument()
    {
        var document = (await LoadAsync()).Document!;

        var bodies =
            from route in ReferenceRoutes
            let method = route.Data.Item1
            let path = route.Data.Item2
            let operation = document.Paths[path].Operations!.Single(o => o.Key.Method == method).Value
            from body in operation.Responses!.Where(r => r.Key.StartsWith('2')).Select(r => (Name: r.Key, r.Value.Content))
                .Append((Name: "request", Content: operation.RequestBody?.Content))
            from content in body.Content ?? new Dictionary<string, IOpenApiMediaType>()
            where content.Key is "application/json" or "multipart/form-data"
            select (Name: $"{method} {path} {body.Name} {content.Key}", content.Value.Schema);
        var undocumented = bodies.Where(b => !IsComponentWithProperties(b.Schema)).Select(b => b.Name);

        Assert.Empty(undocumented);

        static bool IsComponentWithProperties(IOpenApiSchema? schema) => schema switch
        {
            OpenApiSchemaReference { Target.Properties.Count: > 0 } => true,
            { Type: JsonSchemaType.Array, Items: var items } => IsComponentWithProperties(items),
            _ => false,
        };
    }

    [Fact]
    public async Task ImmichSchemas_AreCopiedAsImmichWroteThem()
    {
        using var client = gateway.CreateAnonymousClient();
        var json = JsonNode.Parse(await client.GetStringAsync("/swagger/v1/swagger.json", Cancel))!;
        var immich = ImmichDocument()["components"]!["schemas"]!;

        var copies = json["components"]!["schemas"]!.AsObject().Where(s => s.Key.StartsWith("Immich.", StringComparison.Ordinal)).ToList();

        Assert.Contains(copies, c => c.Key == "Immich.AssetResponseDto"); // in SearchResponseDto, two references away
        Assert.All(copies, copy =>
        {
            var original = JsonNode.Parse(immich[copy.Key["Immich.".Length..]]!.ToJsonString()
                .Replace("\"#/components/schemas/", "\"#/components/schemas/Immich.", StringComparison.Ordinal))!;
            Assert.True(JsonNode.DeepEquals(WithoutRefSiblings(original), copy.Value), $"{copy.Key} differs from Immich's");
        });

        // OpenAPI 3.0 ignores the keys next to a $ref (Immich puts a description and a default there); the copies leave them out.
        static JsonNode WithoutRefSiblings(JsonNode node)
        {
            IEnumerable<JsonNode?> children = node switch { JsonObject o => o.Select(p => p.Value), JsonArray a => a, _ => [] };
            foreach (var child in children.OfType<JsonNode>())
            {
                WithoutRefSiblings(child);
            }
            if (node is JsonObject obj && obj.ContainsKey("$ref"))
            {
                foreach (var key in obj.Select(p => p.Key).Where(k => k != "$ref").ToList())
                {
                    obj.Remove(key);
                }
            }
            return node;
        }
    }

    [Fact]
    public async Task UpdateAlbum_IsDocumentedWithImmichsAlbumSchemas()
    {
        var document = (await LoadAsync()).Document!;

        var operation = document.Paths["/api/albums/{id}"].Operations!.Single(o => o.Key == HttpMethod.Put).Value;
        var album = Assert.IsType<OpenApiSchemaReference>(operation.Responses!["200"].Content!["application/json"].Schema).Target!;
        Assert.Superset(new HashSet<string> { "id", "albumName", "albumThumbnailAssetId", "assetCount", "albumUsers" }, album.Properties!.Keys.ToHashSet());
        var member = Assert.IsType<OpenApiSchemaReference>(album.Properties["albumUsers"].Items); // referenced by the album, copied with it
        Assert.Equal("Immich.AlbumUserResponseDto", member.Reference.Id);
        Assert.Contains("role", member.Target!.Properties!.Keys);
        var update = Assert.IsType<OpenApiSchemaReference>(operation.RequestBody!.Content!["application/json"].Schema).Target!;
        Assert.Superset(new HashSet<string> { "albumName", "description", "albumThumbnailAssetId", "isActivityEnabled" }, update.Properties!.Keys.ToHashSet());
    }

    [Theory]
    [InlineData("PUT", "/api/albums/{id}", "400,401,403,413,429,502")]
    [InlineData("GET", "/api/server-info/ping", "401,403,429,502")]
    [InlineData("PUT", "/api/users/{id}/profile-image", "400,401,403,429,502")]
    public async Task ReferenceRoute_ListsTheGatewaysOwnRefusalsAsProblems(string method, string path, string statuses)
    {
        var document = (await LoadAsync()).Document!;

        var responses = document.Paths[path].Operations!.Single(o => o.Key.Method == method).Value.Responses!;
        Assert.All(statuses.Split(','), status => Assert.Equal("application/problem+json", Assert.Contains(status, responses).Content!.Keys.Single()));
    }

    [Fact]
    public async Task AlbumWithAssets_DocumentsItsResponseSchema()
    {
        var document = (await LoadAsync()).Document!;

        var ok = document.Paths["/api/albums/{id}"].Operations!.Single(o => o.Key == HttpMethod.Get).Value.Responses!["200"];
        Assert.Equal("ReferenceAlbum", (ok.Content!["application/json"].Schema as OpenApiSchemaReference)?.Reference.Id);
        Assert.Contains("assets", document.Components!.Schemas!["ReferenceAlbum"].Properties!.Keys);
    }

    [Theory]
    [InlineData("/bff/albums", "200,400,401,403,429,502,503,504")]
    [InlineData("/bff/albums/{id}", "200,400,401,403,404,429,502,503,504")]
    [InlineData("/bff/assets/{id}", "200,400,401,403,404,429,502,503,504")]
    [InlineData("/bff/overview", "200,401,403,429,502,503,504")]
    public async Task Document_ListsEveryScreenWithExactlyTheStatusesItAnswers(string path, string statuses)
    {
        var document = (await LoadAsync()).Document!;

        var operation = document.Paths[path].Operations!.Single(o => o.Key == HttpMethod.Get).Value;
        Assert.Equal(statuses.Split(','), operation.Responses!.Keys.Order());
        Assert.All(operation.Responses.Where(r => r.Key != "200"), r => Assert.Equal("application/problem+json", r.Value.Content!.Keys.Single()));
    }

    [Theory]
    [InlineData("AlbumView")]
    [InlineData("AlbumSummaryView")]
    [InlineData("AssetDetailView")]
    [InlineData("OverviewView")]
    public async Task ScreenSchemas_CarryAnExample(string schema)
    {
        using var client = gateway.CreateAnonymousClient();

        var json = JsonNode.Parse(await client.GetStringAsync("/swagger/v1/swagger.json", Cancel))!;

        var component = json["components"]!["schemas"]![schema]!;
        var example = (component["example"] ?? component["examples"]?[0])?.AsObject();
        Assert.NotNull(example);
        Assert.NotEmpty(example);
    }

    [Fact]
    public async Task SwaggerUi_IsServedAnonymously()
    {
        using var client = gateway.CreateAnonymousClient();

        var response = await client.GetAsync("/swagger/index.html", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Immich's own document, as bundled with the gateway.</summary>
    private static JsonNode ImmichDocument() => JsonNode.Parse(File.ReadAllText(ImmichSpec.DocumentPath))!;

    private async Task<ReadResult> LoadAsync()
    {
        using var client = gateway.CreateAnonymousClient();
        using var response = await client.GetAsync("/swagger/v1/swagger.json", Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync(Cancel);
        return await OpenApiDocument.LoadAsync(stream, "json", cancellationToken: Cancel);
    }
}
