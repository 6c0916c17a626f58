using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ImmichGateway.OpenApi;

/// <summary>Adds the request bodies declared with <see cref="RequestBodyMetadata"/> to the operations.</summary>
internal sealed class RequestBodyOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var body = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<RequestBodyMetadata>().LastOrDefault();
        if (body is null)
        {
            return;
        }
        var schema = body.ImmichSchema is { } immich
            ? ImmichSchemas.Reference(immich, context.SchemaRepository, context.Document)
            : context.SchemaGenerator.GenerateSchema(body.Type!, context.SchemaRepository);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = body.Required,
            Content = new Dictionary<string, IOpenApiMediaType> { [body.ContentType] = new OpenApiMediaType { Schema = schema } },
        };
    }
}
