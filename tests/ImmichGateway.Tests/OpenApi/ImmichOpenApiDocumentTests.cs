using System.Net;
using System.Text.Json.Nodes;
using ImmichGateway.OpenApi;
using ImmichGateway.Tests.Fixtures;
using ImmichGateway.Tests.Health;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace ImmichGateway.Tests.OpenApi;

/// <summary>The proxied Immich surface, as the second document of the gateway's Swagger UI.</summary>
public sealed class ImmichOpenApiDocumentTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<GatewayFactory> StartAsync(string? immichUrl = null)
    {
        var gateway = new GatewayFactory();
        if (immichUrl is not null)
        {
            gateway.Settings["Immich:BaseUrl"] = immichUrl;
        }
        await gateway.InitializeAsync();
        return gateway;
    }

    private static async Task<(string Json, ReadResult Read)> LoadAsync(GatewayFactory gateway)
    {
        using var client = gateway.CreateAnonymousClient();
        using var response = await client.GetAsync(ImmichOpenApiDocument.Path, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadAsStringAsync(Cancel);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        return (json, await OpenApiDocument.LoadAsync(stream, "json", cancellationToken: Cancel));
    }

    [Fact]
    public async Task ImmichDocument_FromTheConnectedImmich_IsValidWithOnlyTheGatewaysSecuritySchemes()
    {
        await using var gateway = await StartAsync();

        var (json, read) = await LoadAsync(gateway);

        Assert.Empty(read.Diagnostic!.Errors);
        var document = read.Document!;
        Assert.Equal([GatewaySecuritySchemes.Bearer, GatewaySecuritySchemes.ClientKey], document.Components!.SecuritySchemes!.Keys.Order());
        Assert.Equal("x-api-key", document.Components.SecuritySchemes[GatewaySecuritySchemes.ClientKey].Name);
        Assert.Equal("immich", JsonNode.Parse(json)!["info"]![ImmichOpenApiDocument.SourceExtension]!.GetValue<string>());
        Assert.Single(gateway.Immich.Requests, r => r.Path == "/api/spec.json");
        var schemesUsed = document.Paths.Values.SelectMany(p => p.Operations!.Values)
            .SelectMany(o => o.Security ?? []).SelectMany(r => r.Keys).Select(k => k.Reference.Id).Distinct().Order();
        Assert.Equal([GatewaySecuritySchemes.Bearer, GatewaySecuritySchemes.ClientKey], schemesUsed);
    }

    [Fact]
    public async Task ImmichDocument_MarksTheGatewaysPublicRoutesAnonymousAndTheRestSecured()
    {
        await using var gateway = await StartAsync();

        var document = (await LoadAsync(gateway)).Read.Document!;

        var ping = document.Paths["/server/ping"].Operations![HttpMethod.Get];
        Assert.Empty(ping.Security!); // public in the gateway too
        var versionHistory = document.Paths["/server/version-history"].Operations![HttpMethod.Get];
        Assert.Equal(2, versionHistory.Security!.Count); // public in Immich, not a gateway public route
        var createKey = document.Paths["/api-keys"].Operations![HttpMethod.Post];
        Assert.StartsWith("**Refused by the gateway (403):**", createKey.Description);
        Assert.Equal("/api", Assert.Single(document.Servers!).Url);
    }

    [Fact]
    public async Task ImmichDocument_RequestedAgain_IsServedFromCache()
    {
        await using var gateway = await StartAsync();

        await LoadAsync(gateway);
        await LoadAsync(gateway);

        Assert.Single(gateway.Immich.Requests, r => r.Path == "/api/spec.json");
    }

    [Fact]
    public async Task ImmichDocument_WhileImmichIsUnreachable_IsTheBundledCopy()
    {
        await using var gateway = await StartAsync(DeadEndpoint.Url());

        var (json, read) = await LoadAsync(gateway);

        Assert.Empty(read.Diagnostic!.Errors);
        Assert.Equal("bundled", JsonNode.Parse(json)!["info"]![ImmichOpenApiDocument.SourceExtension]!.GetValue<string>());
        Assert.True(read.Document!.Paths.Count > 100);
        Assert.Contains(gateway.Logs.Events, e => e.EventId.Id == 8001);
    }

    [Fact]
    public async Task SwaggerUi_OffersBothDocuments()
    {
        await using var gateway = await StartAsync();
        using var client = gateway.CreateAnonymousClient();

        var page = await client.GetStringAsync("/swagger/index.html", Cancel);
        var config = page.Contains(ImmichOpenApiDocument.Path) ? page : await client.GetStringAsync("/swagger/index.js", Cancel);

        Assert.Contains("/swagger/v1/swagger.json", config);
        Assert.Contains(ImmichOpenApiDocument.Path, config);
    }
}
