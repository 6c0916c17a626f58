using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ImmichGateway.Tests.Packaging;

/// <summary>The repository's deployment files, read from the checkout the tests were built from.</summary>
public static partial class Repository
{
    public static string Root { get; } = FindRoot();

    public static string ChartDirectory => Path.Combine(Root, "charts", "immich-gateway");

    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(Root, relativePath));

    public static IEnumerable<string> ChartTemplates =>
        Directory.EnumerateFiles(Path.Combine(ChartDirectory, "templates"), "*.yaml").Order();

    /// <summary>Every YAML file of the deployment, relative to the root (compose and the chart).</summary>
    public static IEnumerable<string> YamlFiles =>
        new[] { "docker-compose.yml", "docker-compose.setup.yml" }
            .Concat(Directory.EnumerateFiles(ChartDirectory, "*.yaml", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Root, f)))
            .Order();

    public static YamlMappingNode LoadYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count == 0 ? new YamlMappingNode() : (YamlMappingNode)stream.Documents[0].RootNode;
    }

    /// <summary>
    /// A Helm template as plain YAML: comments and lines that are only template actions go, and every remaining
    /// action becomes the scalar <c>x</c>. Good enough to parse the structure the templates write literally.
    /// </summary>
    public static string StripTemplate(string template)
    {
        var text = TemplateComment().Replace(template, "");
        var lines = text.Split('\n').Where(line => !WholeLineAction().IsMatch(line));
        return string.Join('\n', lines.Select(line => InlineAction().Replace(line, "x")));
    }

    /// <summary>Every <c>.Values.a.b</c> path a template names.</summary>
    public static IEnumerable<string> ValuesPaths(string template) =>
        ValuesPath().Matches(template).Select(m => m.Groups[1].Value);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ImmichGateway.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("ImmichGateway.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\{\{-?\s*/\*.*?\*/\s*-?\}\}", RegexOptions.Singleline)]
    private static partial Regex TemplateComment();

    [GeneratedRegex(@"^\s*\{\{.*\}\}\s*$")]
    private static partial Regex WholeLineAction();

    [GeneratedRegex(@"\{\{.*?\}\}")]
    private static partial Regex InlineAction();

    [GeneratedRegex(@"\.Values((?:\.[A-Za-z0-9_]+)+)")]
    private static partial Regex ValuesPath();
}
