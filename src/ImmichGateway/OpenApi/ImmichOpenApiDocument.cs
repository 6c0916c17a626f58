using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImmichGateway.Proxy;

namespace ImmichGateway.OpenApi;

/// <summary>
/// The proxied Immich surface as a second OpenAPI document: the connected Immich's own <c>/api/spec.json</c>, with
/// the gateway's security schemes in place of Immich's (the gateway's public routes anonymous, every other operation
/// needing a client key or a bearer token) and the operations the gateway refuses marked. Kept for
/// <see cref="LiveFor"/>; while Immich cannot be reached, the last fetched copy — or, before any, the copy bundled
/// with the gateway — is served and Immich is asked again after <see cref="RetryAfter"/>. One fetch at a time.
/// </summary>
internal sealed class ImmichOpenApiDocument(IHttpClientFactory httpClients, ImmichRouteRules rules, TimeProvider time, ILogger<ImmichOpenApiDocument> logger)
{
    public const string Path = "/swagger/immich/swagger.json";
    public const string Title = "Immich (through the gateway)";
    public const string HttpClientName = "ImmichOpenApi";

    /// <summary>Extension on <c>info</c>: <c>immich</c> (fetched) or <c>bundled</c>.</summary>
    public const string SourceExtension = "x-immich-gateway-source";

    public static readonly TimeSpan LiveFor = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    private const string BundledResource = "ImmichGateway.OpenApi.immich-openapi.json";
    private static readonly string[] HttpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    private readonly Lock _gate = new();
    private Task<Snapshot>? _refreshing;
    private Snapshot? _current;

    private sealed record Snapshot(byte[] Json, bool Live, long At, TimeSpan KeepFor);

    /// <summary>The document's UTF-8 JSON.</summary>
    public async Task<byte[]> GetAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && time.GetElapsedTime(current.At) < current.KeepFor)
        {
            return current.Json;
        }
        Task<Snapshot> refreshing;
        lock (_gate)
        {
            refreshing = _refreshing is { IsCompleted: false } running ? running : _refreshing = RefreshAsync(current);
        }
        return (await refreshing.WaitAsync(cancellationToken)).Json; // a caller who leaves does not cancel the fetch
    }

    private async Task<Snapshot> RefreshAsync(Snapshot? previous)
    {
        Snapshot next;
        try
        {
            var fetched = await FetchAsync();
            next = new Snapshot(Rewrite(fetched, "immich"), true, time.GetTimestamp(), LiveFor);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException or InvalidDataException)
        {
            OpenApiLog.ImmichDocumentUnavailable(logger, ex.Message, previous?.Live == true ? "the last one fetched" : "the copy bundled with the gateway");
            next = previous?.Live == true
                ? previous with { At = time.GetTimestamp(), KeepFor = RetryAfter }
                : new Snapshot(Rewrite(LoadBundled(), "bundled"), false, time.GetTimestamp(), RetryAfter);
        }
        Volatile.Write(ref _current, next);
        return next;
    }

    private async Task<JsonObject> FetchAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var http = httpClients.CreateClient(HttpClientName);
        using var response = await http.GetAsync("api/spec.json", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
        return await JsonNode.ParseAsync(body, cancellationToken: timeout.Token) is JsonObject document && document["paths"] is JsonObject
            ? document
            : throw new InvalidDataException("Immich's /api/spec.json is not an OpenAPI document.");
    }

    /// <summary>The Immich document bundled with the gateway (also where <see cref="ImmichSchemas"/> come from).</summary>
    internal static JsonObject LoadBundled()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(BundledResource)
                           ?? throw new InvalidOperationException($"The resource {BundledResource} is missing from the build.");
        return JsonNode.Parse(stream)!.AsObject();
    }

    /// <summary>Immich's document as the gateway's consumers see it.</summary>
    internal byte[] Rewrite(JsonObject document, string source)
    {
        var info = document["info"] as JsonObject ?? [];
        document["info"] = info;
        var version = info["version"]?.ToString() ?? "?";
        info["title"] = Title;
        info["description"] =
            $"Immich {version}'s own API, forwarded by the gateway as it is" +
            (source == "bundled" ? " (Immich cannot be reached right now: this is the document bundled with the gateway). " : ". ") +
            "Authenticate with a gateway client key in x-api-key or an OIDC bearer token, never an Immich key or session: " +
            "the gateway removes every credential a client sends and sends Immich the user's own Immich API key.";
        info[SourceExtension] = source;

        var components = document["components"] as JsonObject ?? [];
        document["components"] = components;
        components["securitySchemes"] = GatewaySecuritySchemes.ToJson();
        document.Remove("security");

        var basePath = (document["servers"] as JsonArray)?.FirstOrDefault()?["url"]?.ToString()?.TrimEnd('/') ?? "";
        foreach (var (path, item) in document["paths"] as JsonObject ?? [])
        {
            foreach (var method in HttpMethods)
            {
                if (item?[method] is JsonObject operation)
                {
                    Secure(operation, method, basePath + path);
                }
            }
        }
        return JsonSerializer.SerializeToUtf8Bytes(document);
    }

    /// <summary>Asks the proxy's own rules what happens to a request for this operation.</summary>
    private void Secure(JsonObject operation, string method, string path)
    {
        var request = new DefaultHttpContext().Request;
        request.Method = method.ToUpperInvariant();
        request.Path = path;
        operation["security"] = rules.IsPublic(request) ? new JsonArray() : GatewaySecuritySchemes.RequirementJson();
        if (rules.Refusal(request) is { } refusal)
        {
            operation["description"] = $"**Refused by the gateway (403):** {refusal}\n\n{operation["description"]}";
        }
        else if (rules.ChecksBody(request))
        {
            operation["description"] = "**Through the gateway:** a body that sets `password` or `pinCode` is refused (403: clients may not " +
                                       "manage Immich credentials), and the body must be `application/json` (415 otherwise).\n\n" + operation["description"];
        }
    }
}
