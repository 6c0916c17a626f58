using System.Net;
using System.Text.Json.Nodes;
using ImmichGateway.OpenApi;
using ImmichGateway.Tests.Fixtures;
using ImmichGateway.Tests.Health;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
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
        Assert.StartsWith("**Refused by the gateway (403):**", document.Paths["/admin/auth/unlink-all"].Operations![HttpMethod.Post].Description);
        Assert.StartsWith("**Through the gateway:** a body that sets `password`", document.Paths["/users/me"].Operations![HttpMethod.Put].Description);
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

    [Fact]
    public async Task GatewayDocument_RequestedAgain_IsBuiltOnce_AndUnknownDocumentsAreNotKept()
    {
        var builds = new CountingDocumentFilter();
        await using var gateway = new CountingGateway(builds);
        await gateway.InitializeAsync();
        using var client = gateway.CreateAnonymousClient();

        var first = await client.GetStringAsync("/swagger/v1/swagger.json", Cancel);
        var again = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.GetStringAsync("/swagger/v1/swagger.json", Cancel)));
        using var unknown = await client.GetAsync("/swagger/no-such-document/swagger.json", Cancel);
        using var unknownAgain = await client.GetAsync("/swagger/no-such-document/swagger.json", Cancel);

        Assert.Equal(1, builds.Count);                          // the anonymous document costs its build once, not per request
        Assert.All(again, json => Assert.Equal(first, json));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownAgain.StatusCode);
        Assert.Equal(1, builds.Count);
    }

    private sealed class CountingDocumentFilter : Swashbuckle.AspNetCore.SwaggerGen.IDocumentFilter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Apply(OpenApiDocument swaggerDoc, Swashbuckle.AspNetCore.SwaggerGen.DocumentFilterContext context) =>
            Interlocked.Increment(ref _count);
    }

    private sealed class CountingGateway(CountingDocumentFilter filter) : GatewayFactory
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.ConfigureSwaggerGen(options => options.AddDocumentFilterInstance(filter)));
        }
    }
}
