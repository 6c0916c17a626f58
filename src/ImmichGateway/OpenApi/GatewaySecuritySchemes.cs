using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace ImmichGateway.OpenApi;

/// <summary>
/// How consumers authenticate to the gateway, for every document it serves: the gateway's own (Swashbuckle) and
/// Immich's (rewritten JSON), so both name the same two schemes.
/// </summary>
internal static class GatewaySecuritySchemes
{
    public const string ClientKey = "ClientKey";
    public const string Bearer = "Bearer";

    public static OpenApiSecurityScheme ClientKeyScheme() => new()
    {
        Type = SecuritySchemeType.ApiKey,
        In = ParameterLocation.Header,
        Name = "x-api-key",
        Description = "A gateway client key (not an Immich API key).",
    };

    public static OpenApiSecurityScheme BearerScheme() => new()
    {
        Type = SecuritySchemeType.Http,
        Scheme = "bearer",
        BearerFormat = "JWT",
        Description = "An OIDC access token from the gateway's identity provider.",
    };

    /// <summary><c>components.securitySchemes</c> as OpenAPI 3.0 JSON.</summary>
    public static JsonObject ToJson()
    {
        var schemes = new JsonObject();
        foreach (var (name, scheme) in new[] { (ClientKey, ClientKeyScheme()), (Bearer, BearerScheme()) })
        {
            using var text = new StringWriter();
            scheme.SerializeAsV3(new OpenApiJsonWriter(text));
            schemes[name] = JsonNode.Parse(text.ToString());
        }
        return schemes;
    }

    /// <summary>A <c>security</c> value: either scheme will do.</summary>
    public static JsonArray RequirementJson() => [new JsonObject { [ClientKey] = new JsonArray() }, new JsonObject { [Bearer] = new JsonArray() }];
}
