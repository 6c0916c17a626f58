using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ImmichGateway.Tests.Packaging;

/// <summary>
/// Without a helm binary here: the chart's control flow (<c>if</c>, <c>with</c>, <c>range</c>, <c>else</c>, <c>end</c>)
/// evaluated over values.yaml plus <c>--set</c> overrides, enough to tell which <c>fail</c> and <c>required</c> guards
/// fire and which literal text a template writes. Only the expressions the chart's conditions use are understood
/// (<c>.Values</c> paths, <c>and</c>, <c>or</c>, <c>not</c>, <c>eq</c>, <c>gt</c>, <c>int</c>); anything else throws, so
/// a new kind of condition is noticed rather than guessed. <c>toYaml … | nindent n</c> writes the value; other output
/// actions are written as <c>x</c> (<c>x: x</c> on a line of its own where they <c>nindent</c>). Trim markers apply.
/// </summary>
public sealed partial class ChartFlow(IReadOnlyDictionary<string, string> sets, YamlMappingNode? values = null)
{
    private static readonly YamlMappingNode Defaults =
        Repository.LoadYaml(File.ReadAllText(Path.Combine(Repository.ChartDirectory, "values.yaml")));

    public sealed record Result(IReadOnlyList<string> Failures, string Text);

    /// <summary>helm's <c>--set a.b=c,d[0].e=f</c> arguments as path/value pairs (later ones win).</summary>
    public static ChartFlow WithSets(IEnumerable<string> setArguments, string? valuesFile = null)
    {
        var sets = new Dictionary<string, string>();
        foreach (var pair in setArguments.SelectMany(a => SetSeparator().Split(a)))
        {
            var equals = pair.IndexOf('=');
            sets[pair[..equals]] = pair[(equals + 1)..];
        }
        return new ChartFlow(sets, valuesFile is null ? null : Repository.LoadYaml(valuesFile));
    }

    /// <summary>Every template but the helpers (NOTES.txt included), as <c>helm template</c>/<c>install</c> renders them.</summary>
    public IReadOnlyList<string> FailuresOfAllTemplates() =>
        Directory.EnumerateFiles(Path.Combine(Repository.ChartDirectory, "templates"))
            .Where(f => !Path.GetFileName(f).StartsWith('_'))
            .Order()
            .SelectMany(f => Render(Path.GetFileName(f)).Failures.Select(m => $"{Path.GetFileName(f)}: {m}"))
            .ToList();

    public Result Render(string template)
    {
        var text = File.ReadAllText(Path.Combine(Repository.ChartDirectory, "templates", template));
        var failures = new List<string>();
        var output = new StringBuilder();
        var blocks = new Stack<(bool Parent, bool Taken, object? Dot)>();
        var active = true;
        object? dot = null;
        var position = 0;
        var trimNext = false;
        foreach (Match action in Action().Matches(text))
        {
            var segment = text[position..action.Index];
            segment = trimNext ? segment.TrimStart() : segment;
            segment = action.Value.StartsWith("{{-", StringComparison.Ordinal) ? segment.TrimEnd() : segment;
            if (active)
            {
                output.Append(segment);
            }
            position = action.Index + action.Length;
            trimNext = action.Value.EndsWith("-}}", StringComparison.Ordinal);
            var body = action.Groups[1].Value.Trim();
            var keyword = body.Split(' ', 2)[0];
            switch (keyword)
            {
                case "if" or "with" or "range":
                    var value = active ? Evaluate(ConditionOf(keyword, body)) : null;
                    var condition = active && Truthy(value);
                    blocks.Push((active, condition, dot));
                    active = condition;
                    dot = keyword switch { "with" => value, "range" => null, _ => dot };
                    break;
                case "else":
                    var (parent, taken, outer) = blocks.Pop();
                    blocks.Push((parent, true, outer));
                    active = parent && !taken;
                    dot = outer;
                    break;
                case "end":
                    (active, _, dot) = blocks.Pop();
                    break;
                case "define":
                    throw new NotSupportedException("define in " + template);
                default:
                    if (body.StartsWith("/*", StringComparison.Ordinal))
                    {
                        break;
                    }
                    if (active && Fail().Match(body) is { Success: true } fail)
                    {
                        failures.Add(fail.Groups[1].Value);
                    }
                    else if (active && Required().Match(body) is { Success: true } required && !Truthy(Evaluate(required.Groups[2].Value)))
                    {
                        failures.Add(required.Groups[1].Value);
                    }
                    else if (active && ToYaml().Match(body) is { Success: true } toYaml)
                    {
                        var node = toYaml.Groups[1].Value == "." ? dot : Evaluate(toYaml.Groups[1].Value);
                        output.Append(Indent(node is YamlNode yaml ? Serialize(yaml) : $"{node}", int.Parse(toYaml.Groups[2].Value, CultureInfo.InvariantCulture)));
                    }
                    else if (active && NIndent().Match(body) is { Success: true } nindent)
                    {
                        output.Append(Indent("x: x", int.Parse(nindent.Groups[1].Value, CultureInfo.InvariantCulture)));
                    }
                    else if (active)
                    {
                        output.Append('x');
                    }
                    break;
            }
        }
        var rest = text[position..];
        output.Append(trimNext ? rest.TrimStart() : rest);
        Assert.Empty(blocks);
        return new Result(failures, output.ToString());
    }

    private static string Serialize(YamlNode node)
    {
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        return string.Join('\n', writer.ToString().Split('\n').Where(l => l.Trim() is not ("" or "...")));
    }

    private static string Indent(string text, int width) =>
        string.Concat(text.Split('\n').Select(line => "\n" + new string(' ', width) + line));

    private static string ConditionOf(string keyword, string body)
    {
        var expression = body[keyword.Length..].Trim();
        var assignment = expression.IndexOf(":=", StringComparison.Ordinal);
        return assignment < 0 ? expression : expression[(assignment + 2)..].Trim();
    }

    private object? Evaluate(string expression)
    {
        var tokens = Token().Matches(expression).Select(m => m.Value).ToList();
        var index = 0;
        var value = Command(tokens, ref index);
        return index == tokens.Count ? value : throw new NotSupportedException("cannot evaluate " + expression);
    }

    /// <summary>A function call with its arguments, or a single operand.</summary>
    private object? Command(List<string> tokens, ref int index)
    {
        var head = tokens[index];
        if (head is "and" or "or" or "not" or "eq" or "gt" or "int")
        {
            index++;
            var arguments = new List<object?>();
            while (index < tokens.Count && tokens[index] != ")")
            {
                arguments.Add(Operand(tokens, ref index));
            }
            return head switch
            {
                "and" => arguments.Aggregate((object?)true, (last, a) => Truthy(last) ? a : last),
                "or" => arguments.Aggregate((object?)false, (last, a) => Truthy(last) ? last : a),
                "not" => !Truthy(Assert.Single(arguments)),
                "eq" => Equals(Normal(arguments[0]), Normal(arguments[1])),
                "gt" => Integer(arguments[0]) > Integer(arguments[1]),
                _ => Integer(Assert.Single(arguments)),
            };
        }
        return Operand(tokens, ref index);
    }

    private object? Operand(List<string> tokens, ref int index)
    {
        var token = tokens[index++];
        if (token == "(")
        {
            var value = Command(tokens, ref index);
            Assert.Equal(")", tokens[index++]);
            return value;
        }
        if (long.TryParse(token, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }
        if (token.StartsWith('"'))
        {
            return token.Trim('"');
        }
        if (token.StartsWith(".Values.", StringComparison.Ordinal) || token.StartsWith("$.Values.", StringComparison.Ordinal))
        {
            return Lookup(token[(token.IndexOf(".Values.", StringComparison.Ordinal) + ".Values.".Length)..]);
        }
        if (token.StartsWith('.') && !token.StartsWith(".Release", StringComparison.Ordinal) && !token.StartsWith(".Chart", StringComparison.Ordinal))
        {
            return true; // a field of the element a range or with walks (ingress hosts' paths): taken as present
        }
        throw new NotSupportedException("cannot evaluate " + token);
    }

    /// <summary>A scalar as a string, a map or list as whether it has entries, a missing value as null.</summary>
    private object? Lookup(string path)
    {
        if (sets.TryGetValue(path, out var set))
        {
            return set;
        }
        if (sets.Keys.Any(k => k.StartsWith(path + ".", StringComparison.Ordinal) || k.StartsWith(path + "[", StringComparison.Ordinal)))
        {
            return true;
        }
        var node = Find(values, path) ?? Find(Defaults, path);
        return node is YamlScalarNode scalar ? scalar.Value : (object?)node;
    }

    private static YamlNode? Find(YamlMappingNode? root, string path)
    {
        YamlNode? node = root;
        foreach (var segment in path.Split('.'))
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(segment), out node))
            {
                return null;
            }
        }
        return node;
    }

    private static bool Truthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        YamlMappingNode mapping => mapping.Children.Count > 0,
        YamlSequenceNode sequence => sequence.Children.Count > 0,
        string s => s is not ("" or "false" or "0" or "null" or "~" or "[]" or "{}"),
        _ => true,
    };

    private static object? Normal(object? value) => value is string s && long.TryParse(s, CultureInfo.InvariantCulture, out var l) ? l : value;

    private static long Integer(object? value) => value switch
    {
        long l => l,
        string s => long.Parse(s, CultureInfo.InvariantCulture),
        bool b => b ? 1 : 0,
        _ => 0,
    };

    [GeneratedRegex(@"\{\{-?(.*?)-?\}\}", RegexOptions.Singleline)]
    private static partial Regex Action();

    [GeneratedRegex(@"^toYaml\s+(\S+)\s*\|\s*nindent\s+(\d+)$")]
    private static partial Regex ToYaml();

    [GeneratedRegex(@"\|\s*nindent\s+(\d+)$")]
    private static partial Regex NIndent();

    [GeneratedRegex(@"^fail\s+""([^""]*)""")]
    private static partial Regex Fail();

    [GeneratedRegex(@"required\s+""([^""]*)""\s+(\S+)")]
    private static partial Regex Required();

    [GeneratedRegex(@"""[^""]*""|[()]|[^\s()]+")]
    private static partial Regex Token();

    /// <summary>Commas separate assignments, except inside a <c>{a,b}</c> list.</summary>
    [GeneratedRegex(@",(?![^{]*\})")]
    private static partial Regex SetSeparator();
}
