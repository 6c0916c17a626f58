using System.Text.Json;
using System.Text.Json.Nodes;
using ImmichGateway.Aggregates;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ImmichGateway.OpenApi;

/// <summary>Puts a sample value on the schemas of the screens, serialized exactly as the endpoints serialize them.</summary>
internal sealed class ExampleSchemaFilter : ISchemaFilter
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is OpenApiSchema concrete && AggregateExamples.ByType.TryGetValue(context.Type, out var example))
        {
            concrete.Examples = [JsonSerializer.SerializeToNode(example, context.Type, Web)!];
        }
    }
}
