using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ImmichGateway.Tests.Packaging;

/// <summary>The chart's guards and conditional text, evaluated by <see cref="ChartFlow"/> (no helm here).</summary>
public sealed partial class ChartFlowTests
{
    /// <summary>Every helm lint/template/install/upgrade command README shows, with its --set arguments.</summary>
    public static TheoryData<string> ReadmeHelmCommands() => new(HelmCommandsInReadme());

    private static List<string> HelmCommandsInReadme()
    {
        var readme = Repository.Read("README.md").Replace("\\\n", " ");
        var inline = InlineHelm().Matches(readme).Select(m => m.Groups[1].Value);
        var fenced = Fence().Matches(readme).SelectMany(m => m.Groups[1].Value.Split('\n')).Where(l => HelmCommand().IsMatch(l.Trim()));
        // A command with the chart's path; "`helm install` prints…" in prose is not one.
        return inline.Concat(fenced).Select(c => WhiteSpace().Replace(c.Trim(), " ")).Where(c => c.Contains("charts/immich-gateway")).ToList();
    }

    [Fact]
    public void Readme_ShowsHelmCommands()
    {
        var commands = HelmCommandsInReadme();

        Assert.Contains(commands, c => c.StartsWith("helm lint", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.StartsWith("helm template", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.StartsWith("helm install", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ReadmeHelmCommands))]
    public void ReadmeHelmCommand_PassesTheChartsGuards(string command)
    {
        var flow = ChartFlow.WithSets(SetArguments(command));

        Assert.Empty(flow.FailuresOfAllTemplates());
    }

    [Fact]
    public void Chart_WithDefaultsAndNoRedis_RefusesTwoReplicas()
    {
        var failures = ChartFlow.WithSets(["users.existingSecret=x"]).FailuresOfAllTemplates();

        Assert.Contains(failures, f => f.StartsWith("configmap.yaml: redis.existingSecret is required", StringComparison.Ordinal));
        Assert.Empty(ChartFlow.WithSets(["users.existingSecret=x", "replicaCount=1"]).FailuresOfAllTemplates());
        Assert.Empty(ChartFlow.WithSets(["users.existingSecret=x", "redis.existingSecret=r"]).FailuresOfAllTemplates());
        Assert.Contains(ChartFlow.WithSets(["replicaCount=1"]).FailuresOfAllTemplates(), f => f.StartsWith("deployment.yaml: users.existingSecret is required", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new[] { "ingress.enabled=true" }, true)]
    [InlineData(new[] { "ingress.enabled=true", "gateway.knownNetworks[0]=10.0.0.0/8" }, false)]
    [InlineData(new[] { "ingress.enabled=true", "gateway.knownProxies={10.1.2.3}" }, false)]
    [InlineData(new string[0], false)]
    public void Notes_WithAnIngressButNoTrustedProxies_WarnThatClientsShareItsAddress(string[] sets, bool warns)
    {
        var notes = ChartFlow.WithSets(["users.existingSecret=x", "redis.existingSecret=r", .. sets]).Render("NOTES.txt");

        Assert.Empty(notes.Failures);
        Assert.Equal(warns, notes.Text.Contains("gateway.knownNetworks and gateway.knownProxies are empty", StringComparison.Ordinal));
    }

    [Fact]
    public void ReadmeHelmInstall_WithAnIngress_TrustsItsNetwork()
    {
        var install = Assert.Single(HelmCommandsInReadme(), c => c.StartsWith("helm install", StringComparison.Ordinal));
        var notes = ChartFlow.WithSets(SetArguments(install)).Render("NOTES.txt");

        Assert.Contains("ingress.enabled=true", SetArguments(install));
        Assert.DoesNotContain("gateway.knownNetworks and gateway.knownProxies are empty", notes.Text, StringComparison.Ordinal);
    }

    private const string ExtraEnvValues = """
        extraEnv:
          - name: OTEL_EXPORTER_OTLP_HEADERS
            valueFrom:
              secretKeyRef: {name: otel, key: headers}
        extraEnvFrom:
          - secretRef: {name: gateway-settings}
        """;

    [Fact]
    public void Deployment_WithExtraEnvAndExtraEnvFrom_PassesThemToTheGateway()
    {
        var container = GatewayContainer(ChartFlow.WithSets(["users.existingSecret=x", "redis.existingSecret=r"], ExtraEnvValues));

        var env = ((YamlSequenceNode)container["env"]).Cast<YamlMappingNode>().ToList();
        Assert.Equal(["ConnectionStrings__Redis", "OTEL_EXPORTER_OTLP_HEADERS"], env.Select(e => e["name"].ToString()));
        Assert.Equal("headers", ((YamlMappingNode)((YamlMappingNode)env[1]["valueFrom"])["secretKeyRef"])["key"].ToString());
        var envFrom = ((YamlSequenceNode)container["envFrom"]).Cast<YamlMappingNode>().ToList();
        Assert.Equal(2, envFrom.Count);
        Assert.True(envFrom[0].Children.ContainsKey("configMapRef")); // the chart's settings first: extraEnvFrom may override them
        Assert.Equal("gateway-settings", ((YamlMappingNode)envFrom[1]["secretRef"])["name"].ToString());
    }

    [Fact]
    public void Deployment_WithExtraEnvAndNoRedis_StillPassesIt()
    {
        var container = GatewayContainer(ChartFlow.WithSets(["users.existingSecret=x", "replicaCount=1"], ExtraEnvValues));

        Assert.Equal(["OTEL_EXPORTER_OTLP_HEADERS"], ((YamlSequenceNode)container["env"]).Select(e => e["name"].ToString()));
    }

    [Fact]
    public void Deployment_WithoutRedisOrExtraEnv_HasNoEnv()
    {
        var container = GatewayContainer(ChartFlow.WithSets(["users.existingSecret=x", "replicaCount=1"]));

        Assert.False(container.Children.ContainsKey("env"));
        Assert.Single((YamlSequenceNode)container["envFrom"]);
    }

    /// <summary>
    /// The local image cache lives in the managed heap, which .NET caps at 75% of the container's memory limit; half of
    /// that at most for the cache leaves the rest for the runtime, 10 MB JSON bodies, conversions and the scopes cache.
    /// </summary>
    [Fact]
    public void Chart_LocalImageCache_FitsInHalfTheHeapTheMemoryLimitAllows()
    {
        var values = Repository.LoadYaml(File.ReadAllText(Path.Combine(Repository.ChartDirectory, "values.yaml")));
        var memory = ((YamlMappingNode)((YamlMappingNode)values["resources"])["limits"])["memory"].ToString();
        var setsIt = File.ReadAllText(Path.Combine(Repository.ChartDirectory, "templates", "configmap.yaml"))
            .Contains("Caching__LocalSizeLimit: {{ .Values.caching.localSizeLimit | int64 | quote }}", StringComparison.Ordinal);

        var cache = setsIt ? long.Parse(((YamlMappingNode)values["caching"])["localSizeLimit"].ToString(), System.Globalization.CultureInfo.InvariantCulture) : new ImmichGateway.Caching.CachingOptions().LocalSizeLimit;
        var bytes = memory.EndsWith("Gi", StringComparison.Ordinal) ? long.Parse(memory[..^2], System.Globalization.CultureInfo.InvariantCulture) << 30 : long.Parse(memory.TrimEnd('M', 'i'), System.Globalization.CultureInfo.InvariantCulture) << 20;

        Assert.True(cache <= bytes * 3 / 4 / 2, $"a {cache >> 20} MiB local cache under a {memory} limit");
    }

    private static YamlMappingNode GatewayContainer(ChartFlow flow)
    {
        var deployment = flow.Render("deployment.yaml");
        Assert.Empty(deployment.Failures);
        var spec = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)Repository.LoadYaml(deployment.Text)["spec"])["template"])["spec"];
        return (YamlMappingNode)((YamlSequenceNode)spec["containers"])[0];
    }

    private static IEnumerable<string> SetArguments(string command) =>
        SetArgument().Matches(command).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value);

    [GeneratedRegex(@"(?<!`)`(helm\s+(?:lint|template|install|upgrade)\b[^`]*)`")]
    private static partial Regex InlineHelm();

    [GeneratedRegex(@"```[a-z]*\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Fence();

    [GeneratedRegex(@"^helm\s+(lint|template|install|upgrade)\b")]
    private static partial Regex HelmCommand();

    [GeneratedRegex(@"--set\s+(?:'([^']*)'|([^\s']+))")]
    private static partial Regex SetArgument();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
