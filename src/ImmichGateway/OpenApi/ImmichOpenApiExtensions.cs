using ImmichGateway.Immich;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ImmichGateway.OpenApi;

internal static class ImmichOpenApiExtensions
{
    /// <summary>The Immich document and the client that fetches it (no credential: <c>/api/spec.json</c> is public).</summary>
    public static IHostApplicationBuilder AddImmichOpenApiDocument(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ImmichOpenApiDocument>();
        builder.Services.AddHttpClient(ImmichOpenApiDocument.HttpClientName, (services, http) =>
            {
                http.BaseAddress = new Uri(services.GetRequiredService<IOptions<ImmichOptions>>().Value.BaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
                http.Timeout = Timeout.InfiniteTimeSpan; // the document's own fetch timeout applies
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        return builder;
    }

    /// <summary><see cref="ImmichOpenApiDocument.Path"/>, anonymous like the gateway's own document.</summary>
    public static RouteHandlerBuilder MapImmichOpenApiDocument(this IEndpointRouteBuilder app) =>
        app.MapGet(ImmichOpenApiDocument.Path, GetAsync).AllowAnonymous().ExcludeFromDescription();

    private static async Task<IResult> GetAsync(ImmichOpenApiDocument document, CancellationToken cancellationToken) =>
        Results.Bytes(await document.GetAsync(cancellationToken), "application/json; charset=utf-8");
}
