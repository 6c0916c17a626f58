using System.Globalization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ImmichGateway.OpenApi;

/// <summary>Gives the responses declared with <see cref="ImmichResponseMetadata"/> Immich's schema.</summary>
internal sealed class ImmichResponseOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        foreach (var response in context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<ImmichResponseMetadata>())
        {
            var status = response.Status.ToString(CultureInfo.InvariantCulture);
            if (operation.Responses?.GetValueOrDefault(status) is not OpenApiResponse declared)
            {
                throw new InvalidOperationException($"{context.ApiDescription.RelativePath} declares Immich's {response.Schema} for a {status} response it does not produce.");
            }
            declared.Content ??= new Dictionary<string, IOpenApiMediaType>();
            declared.Content["application/json"] = new OpenApiMediaType { Schema = ImmichSchemas.Reference(response.Schema, context.SchemaRepository, context.Document) };
        }
    }
}
