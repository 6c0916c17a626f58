using System.Net;
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

    [Theory]
    [InlineData("PUT", "/api/albums/{id}/cover-image", "SetCoverImageRequest")]
    [InlineData("POST", "/api/jobs", "StartJobRequest")]
    [InlineData("PUT", "/api/assets/{id}/archive", "ArchiveRequest")]
    public async Task Document_DescribesRequestBodies(string method, string path, string schema)
    {
        var document = (await LoadAsync()).Document!;

        var operation = document.Paths[path].Operations!.Single(o => o.Key.Method == method).Value;
        var body = operation.RequestBody!.Content!["application/json"].Schema;
        Assert.Equal(schema, (body as OpenApiSchemaReference)?.Reference.Id);
    }

    [Theory]
    [InlineData("PUT", "/api/albums/{id}", "400,401,403,413,429,502")]
    [InlineData("GET", "/api/server-info/ping", "401,403,429,502")]
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

        var json = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync("/swagger/v1/swagger.json", Cancel))!;

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

    private async Task<ReadResult> LoadAsync()
    {
        using var client = gateway.CreateAnonymousClient();
        using var response = await client.GetAsync("/swagger/v1/swagger.json", Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync(Cancel);
        return await OpenApiDocument.LoadAsync(stream, "json", cancellationToken: Cancel);
    }
}
