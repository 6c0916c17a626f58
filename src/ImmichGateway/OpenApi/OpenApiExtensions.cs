using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.Swagger;

namespace ImmichGateway.OpenApi;

internal static class OpenApiExtensions
{
    public const string DocumentName = "v1";

    /// <summary>The gateway's own API (reference routes, later /bff) for consumers, with its two security schemes.</summary>
    public static IHostApplicationBuilder AddGatewayOpenApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddEndpointsApiExplorer();
        builder.Services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "ImmichGateway",
                Version = DocumentName,
                Description = "The gateway's own endpoints. Every other /api route is Immich's, forwarded as it is.",
            });
            options.AddSecurityDefinition(GatewaySecuritySchemes.ClientKey, GatewaySecuritySchemes.ClientKeyScheme());
            options.AddSecurityDefinition(GatewaySecuritySchemes.Bearer, GatewaySecuritySchemes.BearerScheme());
            options.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(GatewaySecuritySchemes.ClientKey, document)] = [],
            });
            options.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(GatewaySecuritySchemes.Bearer, document)] = [],
            });
            // Routes that answer GET answer HEAD too; the document lists the GET only (one operation per id).
            options.DocInclusionPredicate((document, api) => api.HttpMethod != HttpMethods.Head && (api.GroupName is null || api.GroupName == document));
            options.OperationFilter<RequestBodyOperationFilter>();
            options.OperationFilter<ImmichResponseOperationFilter>();
            options.SchemaFilter<ExampleSchemaFilter>();
            options.CustomSchemaIds(type => type.Name);
        });
        builder.Services.AddSingleton<CachedSwaggerProvider>();
        builder.Services.Replace(ServiceDescriptor.Singleton<ISwaggerProvider>(services => services.GetRequiredService<CachedSwaggerProvider>()));
        builder.Services.Replace(ServiceDescriptor.Singleton<IAsyncSwaggerProvider>(services => services.GetRequiredService<CachedSwaggerProvider>()));
        builder.AddImmichOpenApiDocument();
        return builder;
    }

    /// <summary><c>/swagger/v1/swagger.json</c> and the UI at <c>/swagger</c>, anonymous.</summary>
    public static IEndpointRouteBuilder MapGatewayOpenApi(this IEndpointRouteBuilder app)
    {
        app.MapSwagger().AllowAnonymous();
        app.MapImmichOpenApiDocument();
        if (app is IApplicationBuilder application)
        {
            // A branch: the UI's middleware (a regular expression and a static-file lookup) stays off every other request.
            application.UseWhen(context => context.Request.Path.StartsWithSegments("/swagger"), swagger => swagger.UseSwaggerUI(options =>
            {
                options.SwaggerEndpoint($"/swagger/{DocumentName}/swagger.json", "ImmichGateway");
                options.SwaggerEndpoint(ImmichOpenApiDocument.Path, ImmichOpenApiDocument.Title);
            }));
        }
        return app;
    }
}
