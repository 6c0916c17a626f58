using System.Text.Json;
using System.Text.RegularExpressions;

namespace ImmichGateway.Tests.Fixtures;

/// <summary>One operation of Immich's OpenAPI document, as much of it as the fake and the contract tests use.</summary>
public sealed record ImmichOperation(
    string Method,
    string Template,
    string OperationId,
    bool IsPublic,
    bool IsAdminOnly,
    bool RequiresBody,
    IReadOnlyList<string> UuidParameters,
    IReadOnlyList<int> StatusCodes,
    IReadOnlyDictionary<int, IReadOnlyList<string>> ContentTypes)
{
    /// <summary>The API-key permission the operation needs (<c>x-immich-permission</c>), if it declares one.</summary>
    public string? Permission { get; init; }

    private readonly Regex _pattern = new("^/api" + Regex.Replace(Regex.Escape(Template), @"\\\{(\w+)}", "(?<$1>[^/]+)") + "/?$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>Literal segments win over parameters, as in Express's route order for Immich's controllers.</summary>
    public int Specificity => Template.Split('/').Count(s => !s.StartsWith('{'));

    public int SuccessStatus => StatusCodes.Where(s => s is >= 200 and < 300).DefaultIfEmpty(200).Min();

    public Match Match(string path) => _pattern.Match(path);
}

/// <summary>Immich v3.1's own OpenAPI document (a copy of <c>shared/immich/openapi.json</c>), read once.</summary>
public static class ImmichSpec
{
    private static readonly Lazy<IReadOnlyList<ImmichOperation>> Loaded = new(Load);

    public static string DocumentPath => Path.Combine(AppContext.BaseDirectory, "immich-openapi.json");

    public static IReadOnlyList<ImmichOperation> Operations => Loaded.Value;

    public static ImmichOperation? Find(string method, string path, out Match match)
    {
        var lookup = string.Equals(method, "HEAD", StringComparison.OrdinalIgnoreCase) ? "GET" : method.ToUpperInvariant();
        foreach (var operation in Operations.Where(o => o.Method == lookup).OrderByDescending(o => o.Specificity))
        {
            match = operation.Match(path);
            if (match.Success)
            {
                return operation;
            }
        }
        match = System.Text.RegularExpressions.Match.Empty;
        return null;
    }

    private static IReadOnlyList<ImmichOperation> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(DocumentPath));
        var operations = new List<ImmichOperation>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in path.Value.EnumerateObject())
            {
                if (method.Value.ValueKind != JsonValueKind.Object || !method.Value.TryGetProperty("responses", out var responses))
                {
                    continue;
                }
                var op = method.Value;
                var uuids = op.TryGetProperty("parameters", out var parameters)
                    ? parameters.EnumerateArray()
                        .Where(p => p.GetProperty("in").GetString() == "path" &&
                                    p.TryGetProperty("schema", out var s) && s.TryGetProperty("format", out var f) && f.GetString() == "uuid")
                        .Select(p => p.GetProperty("name").GetString()!).ToList()
                    : [];
                var statuses = new List<int>();
                var contentTypes = new Dictionary<int, IReadOnlyList<string>>();
                foreach (var response in responses.EnumerateObject())
                {
                    if (int.TryParse(response.Name, out var status))
                    {
                        statuses.Add(status);
                        contentTypes[status] = response.Value.TryGetProperty("content", out var content)
                            ? content.EnumerateObject().Select(c => c.Name).ToList()
                            : [];
                    }
                }
                operations.Add(new ImmichOperation(
                    method.Name.ToUpperInvariant(),
                    path.Name,
                    op.GetProperty("operationId").GetString()!,
                    IsPublic: !op.TryGetProperty("security", out _),
                    IsAdminOnly: op.TryGetProperty("x-immich-admin-only", out var admin) && admin.GetBoolean(),
                    RequiresBody: op.TryGetProperty("requestBody", out var body) && body.TryGetProperty("required", out var required) && required.GetBoolean(),
                    uuids,
                    statuses,
                    contentTypes)
                {
                    Permission = op.TryGetProperty("x-immich-permission", out var permission) ? permission.GetString() : null,
                });
            }
        }
        return operations;
    }
}
