using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ImmichGateway.OpenApi;

/// <summary>
/// Immich's own schemas in the gateway's document, for the routes whose bodies are Immich's JSON passed through either
/// way (<see cref="ImmichResponseMetadata"/>, <see cref="RequestBodyMetadata.ImmichSchema"/>). They come from the
/// Immich document bundled with the gateway — the Immich version the reference API translates to — and are copied in
/// on first use, with every schema they reference, as <c>Immich.{name}</c>: a name no gateway type can take (C# type
/// names have no dot), so they never clash with the gateway's own schemas. Read once; every document generated shares
/// the same (never modified) schema objects.
/// </summary>
internal static class ImmichSchemas
{
    public const string Prefix = "Immich.";
    private const string ComponentPath = "#/components/schemas/";

    private static readonly Lazy<Bundle> Bundled = new(Load);

    /// <summary>Immich's schemas under their prefixed names, and the prefixed names each one references directly.</summary>
    private sealed record Bundle(IDictionary<string, IOpenApiSchema> Schemas, Dictionary<string, HashSet<string>> References);

    /// <summary>A reference to Immich's schema <paramref name="name"/>, which is added to the document with all it needs.</summary>
    public static OpenApiSchemaReference Reference(string name, SchemaRepository repository, OpenApiDocument document)
    {
        var bundle = Bundled.Value;
        var pending = new Stack<string>([Prefix + name]);
        while (pending.TryPop(out var id))
        {
            if (!bundle.Schemas.TryGetValue(id, out var schema))
            {
                throw new InvalidOperationException($"Immich's OpenAPI document has no schema named {id[Prefix.Length..]}.");
            }
            if (repository.Schemas.TryAdd(id, schema)) // already there: so is everything it references
            {
                foreach (var referenced in bundle.References[id])
                {
                    pending.Push(referenced);
                }
            }
        }
        return new OpenApiSchemaReference(Prefix + name, document);
    }

    /// <summary>
    /// The bundled document's schemas, renamed (keys and <c>$ref</c>s) in its JSON and then read by the OpenAPI library
    /// as a document of their own: objects the gateway's document can hold, written out in its OpenAPI version (3.0).
    /// </summary>
    private static Bundle Load()
    {
        var source = ImmichOpenApiDocument.LoadBundled();
        var schemas = new JsonObject();
        var references = new Dictionary<string, HashSet<string>>();
        var untypedNullables = new List<(string Schema, string Property)>();
        foreach (var (name, schema) in source["components"]?["schemas"] as JsonObject ?? [])
        {
            var copy = schema!.DeepClone();
            references[Prefix + name] = Rename(copy, []);
            schemas[Prefix + name] = copy;
            untypedNullables.AddRange(
                from property in copy["properties"] as JsonObject ?? []
                where property.Value?["nullable"]?.GetValue<bool>() == true && property.Value["type"] is null
                select (Prefix + name, property.Key));
        }
        var document = new JsonObject
        {
            ["openapi"] = source["openapi"]?.DeepClone(),
            ["info"] = new JsonObject { ["title"] = "Immich schemas", ["version"] = source["info"]?["version"]?.DeepClone() },
            ["paths"] = new JsonObject(),
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
        var read = OpenApiDocument.Parse(document.ToJsonString(), "json");
        if (read.Diagnostic?.Errors is { Count: > 0 } errors)
        {
            throw new InvalidDataException($"The bundled Immich OpenAPI document's schemas do not read: {errors[0].Message}");
        }
        var parsed = read.Document!.Components!.Schemas!;
        // Immich marks nullable references as { allOf: [$ref], nullable: true }. OpenAPI 3.0.3 gives nullable no effect
        // without a type and the reader drops it, but Immich means it (and client generators read it so): the null
        // type puts it back, written as Immich wrote it in the gateway's (OpenAPI 3.0) document.
        foreach (var (schema, property) in untypedNullables)
        {
            if (parsed[schema].Properties?[property] is OpenApiSchema nullable)
            {
                nullable.Type = JsonSchemaType.Null;
            }
        }
        return new Bundle(parsed, references);
    }

    /// <summary>Prefixes every schema <c>$ref</c> under <paramref name="node"/>; returns the (prefixed) names referenced.</summary>
    private static HashSet<string> Rename(JsonNode? node, HashSet<string> found)
    {
        if (node is JsonObject obj)
        {
            if (obj["$ref"]?.GetValue<string>() is { } target && target.StartsWith(ComponentPath, StringComparison.Ordinal))
            {
                var id = Prefix + target[ComponentPath.Length..];
                obj["$ref"] = ComponentPath + id;
                found.Add(id);
            }
            foreach (var (_, child) in obj)
            {
                Rename(child, found);
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                Rename(item, found);
            }
        }
        return found;
    }
}
