using System.Text.Json.Nodes;

namespace ImmichGateway.Tests.Fixtures;

/// <summary>Turns flat configuration keys (<c>Gateway:Users:alice:ImmichApiKey</c>) into the nested JSON an operator writes.</summary>
public static class ConfigurationJson
{
    public static string FromFlat(IDictionary<string, string?> settings)
    {
        var root = new JsonObject();
        foreach (var (key, value) in settings)
        {
            var node = root;
            var parts = key.Split(':');
            foreach (var part in parts[..^1])
            {
                node = node[part] as JsonObject ?? (JsonObject)(node[part] = new JsonObject());
            }
            node[parts[^1]] = value;
        }
        return root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }
}
