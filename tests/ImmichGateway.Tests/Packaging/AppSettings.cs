using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;

namespace ImmichGateway.Tests.Packaging;

/// <summary>
/// The settings the gateway binds, read from its options classes (every type with a <c>SectionName</c> constant) by
/// reflection, plus the few it reads directly. Environment variable names (<c>Gateway__Users__alice__ImmichApiKey</c>)
/// are checked against these patterns; <c>*</c> is a dictionary key, <c>#</c> a list index.
/// </summary>
public static partial class AppSettings
{
    /// <summary>Read without an options class: <c>Gateway:ConfigDirectory</c> (Keys) and the Redis connection string.</summary>
    private static readonly string[] ReadDirectly = ["Gateway:ConfigDirectory", "ConnectionStrings:Redis"];

    /// <summary>
    /// What ASP.NET Core, the host and the OpenTelemetry SDK read, by exact name (a misspelt
    /// <c>ASPNETCORE_SHUTDOWNTIMEOUTSECOND</c> must not pass for a setting).
    /// </summary>
    private static readonly HashSet<string> FrameworkNames = new(StringComparer.Ordinal)
    {
        "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS",
        "ASPNETCORE_SHUTDOWNTIMEOUTSECONDS", "Logging__Console__FormatterName",
        "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL",
        "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_METRIC_EXPORT_INTERVAL",
        "OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG",
    };

    /// <summary>Framework settings followed by a name of the operator's choosing (a log category).</summary>
    private static readonly string[] FrameworkFamilies = ["Logging__LogLevel__"];

    public static IReadOnlyList<string[]> Patterns { get; } = Discover();

    /// <summary>An environment variable the gateway reads.</summary>
    public static bool Binds(string environmentName) => Matches(environmentName, allowList: false);

    /// <summary>A setting, or a list or dictionary setting named as a whole (<c>Gateway__KnownNetworks</c>) as documentation does.</summary>
    public static bool Names(string name) => Matches(name, allowList: true);

    private static bool Matches(string name, bool allowList)
    {
        if (FrameworkNames.Contains(name) || FrameworkFamilies.Any(p => name.StartsWith(p, StringComparison.Ordinal) && name.Length > p.Length))
        {
            return true;
        }
        var segments = name.Split("__");
        return Patterns.Any(pattern =>
            (pattern.Length == segments.Length || (allowList && pattern.Length > segments.Length && pattern[segments.Length] is "*" or "#")) &&
            pattern.Zip(segments).All(p =>
                p.First == "*" ? p.Second.Length > 0 :
                p.First == "#" ? p.Second.All(char.IsAsciiDigit) && p.Second.Length > 0 :
                string.Equals(p.First, p.Second, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Names in a text that look like the gateway's settings (Go template actions in them read as index 0).</summary>
    public static IEnumerable<string> NamesIn(string text) =>
        SettingName().Matches(TemplateAction().Replace(text, "0")).Select(m => m.Value).Distinct();

    private static List<string[]> Discover()
    {
        var patterns = ReadDirectly.Select(s => s.Split(':')).ToList();
        foreach (var type in typeof(Program).Assembly.GetTypes())
        {
            if (type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field)
            {
                Walk(type, ((string)field.GetRawConstantValue()!).Split(':'), patterns, 0);
            }
        }
        return patterns;
    }

    private static void Walk(Type type, string[] prefix, List<string[]> patterns, int depth)
    {
        if (depth > 8)
        {
            return;
        }
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var bindable = property.SetMethod?.IsPublic == true || IsMutableCollection(property.PropertyType);
            if (bindable && property.GetIndexParameters().Length == 0)
            {
                Add(property.PropertyType, [.. prefix, property.Name], patterns, depth);
            }
        }
    }

    private static void Add(Type type, string[] path, List<string[]> patterns, int depth)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsLeaf(type))
        {
            patterns.Add(path);
        }
        else if (DictionaryValue(type) is { } value)
        {
            Add(value, [.. path, "*"], patterns, depth + 1);
        }
        else if (ElementType(type) is { } element)
        {
            Add(element, [.. path, "#"], patterns, depth + 1);
        }
        else
        {
            Walk(type, path, patterns, depth + 1);
        }
    }

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) ||
        type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Uri) || type == typeof(Guid);

    private static Type? DictionaryValue(Type type) =>
        type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>))
            ?.GetGenericArguments()[1];

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType() :
        typeof(IEnumerable).IsAssignableFrom(type) && type.IsGenericType ? type.GetGenericArguments()[0] : null;

    private static bool IsMutableCollection(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var definition &&
        (definition == typeof(Dictionary<,>) || definition == typeof(List<>) || definition == typeof(HashSet<>));

    [GeneratedRegex(@"\{\{.*?\}\}")]
    private static partial Regex TemplateAction();

    [GeneratedRegex(@"\b(?:(?:Immich|Gateway|Caching|ConnectionStrings|Logging)__[A-Za-z0-9_]*[A-Za-z0-9]|(?:ASPNETCORE|DOTNET|OTEL)_[A-Z0-9_]*[A-Z0-9])")]
    private static partial Regex SettingName();
}
