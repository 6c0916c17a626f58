using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ImmichGateway.Tests.Fixtures;

/// <summary>A request/response pair recorded from a real Immich 3.1.0 (<c>shared/immich/recorded/</c>).</summary>
public sealed record Recording(
    string File,
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Query,
    string Auth,
    IReadOnlyDictionary<string, string> RequestHeaders,
    int Status,
    IReadOnlyDictionary<string, string> Headers,
    JsonNode? Body)
{
    public string? ContentType => Headers.GetValueOrDefault("content-type");

    /// <summary>The JSON body sent, or for the multipart upload a description of its form fields; null without a body.</summary>
    public JsonNode? RequestBody { get; init; }

    /// <summary>
    /// The body as Immich sent it: binary bodies decoded, JSON compact and unescaped as <c>JSON.stringify</c> writes it
    /// (a few recordings lost bytes the server sent, so their content-length is larger than this).
    /// </summary>
    public byte[] BodyBytes => Body switch
    {
        null => [],
        JsonObject o when o.ContainsKey("base64") && o.ContainsKey("sha256") => Convert.FromBase64String(o["base64"]!.GetValue<string>()),
        _ => System.Text.Encoding.UTF8.GetBytes(Body.ToJsonString(Recordings.Stringify)),
    };
}

public static class Recordings
{
    private static readonly Lazy<IReadOnlyList<Recording>> Loaded = new(Load);

    public static IReadOnlyList<Recording> All => Loaded.Value;

    public static Recording Get(string file) => All.Single(r => r.File == file);

    private static IReadOnlyList<Recording> Load()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "recorded");
        return Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal).Select(file =>
        {
            var root = JsonNode.Parse(File.ReadAllText(file))!;
            var request = root["request"]!;
            var response = root["response"]!;
            var requestHeaders = request["headers"]!.AsObject().ToDictionary(h => h.Key, h => h.Value!.ToString(), StringComparer.OrdinalIgnoreCase);
            return new Recording(
                Path.GetFileName(file),
                request["method"]!.GetValue<string>(),
                request["path"]!.GetValue<string>(),
                request["query"]!.AsObject().ToDictionary(q => q.Key, q => q.Value!.ToString()),
                requestHeaders["auth"],
                requestHeaders,
                response["status"]!.GetValue<int>(),
                response["headers"]!.AsObject().ToDictionary(h => h.Key, h => h.Value!.ToString(), StringComparer.OrdinalIgnoreCase),
                response["body"]?.DeepClone())
            {
                RequestBody = request["body"]?.DeepClone(),
            };
        }).ToList();
    }

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>Node's <c>JSON.stringify</c>: compact, and only quotes, backslashes and control characters escaped.</summary>
    public static JsonSerializerOptions Stringify { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
