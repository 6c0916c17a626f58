using System.Text.RegularExpressions;
using ImmichGateway.Health;
using YamlDotNet.RepresentationModel;

namespace ImmichGateway.Tests.Packaging;

/// <summary>Without a helm binary here, the chart is checked as text and as YAML with its template actions stripped.</summary>
public sealed partial class ChartTests
{
    private static readonly YamlMappingNode Values = Repository.LoadYaml(File.ReadAllText(Path.Combine(Repository.ChartDirectory, "values.yaml")));

    private static string Template(string name) => File.ReadAllText(Path.Combine(Repository.ChartDirectory, "templates", name));

    private static YamlMappingNode StrippedTemplate(string name) => Repository.LoadYaml(Repository.StripTemplate(Template(name)));

    public static TheoryData<string> Templates => new(Repository.ChartTemplates.Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Templates))]
    public void Template_WithoutItsActions_IsYaml(string name)
    {
        var document = StrippedTemplate(name);

        Assert.True(document.Children.ContainsKey("apiVersion"), $"{name} has no apiVersion");
        Assert.True(document.Children.ContainsKey("kind"), $"{name} has no kind");
    }

    [Fact]
    public void Templates_ReferenceOnlyValuesThatExist()
    {
        var files = Repository.ChartTemplates.Append(Path.Combine(Repository.ChartDirectory, "templates", "NOTES.txt"))
            .Append(Path.Combine(Repository.ChartDirectory, "templates", "_helpers.tpl"));
        var missing = files.SelectMany(f => Repository.ValuesPaths(File.ReadAllText(f)).Select(p => (File: Path.GetFileName(f), Path: p)))
            .Where(r => !Exists(Values, r.Path.TrimStart('.').Split('.')))
            .Select(r => $"{r.File}: .Values{r.Path}")
            .Distinct().ToList();

        Assert.True(missing.Count == 0, "not in values.yaml: " + string.Join(", ", missing));
    }

    [Fact]
    public void Templates_IncludeOnlyDefinedHelpers()
    {
        var helpers = File.ReadAllText(Path.Combine(Repository.ChartDirectory, "templates", "_helpers.tpl"));
        var defined = Define().Matches(helpers).Select(m => m.Groups[1].Value).ToHashSet();
        var used = Directory.EnumerateFiles(Path.Combine(Repository.ChartDirectory, "templates"))
            .SelectMany(f => Include().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).ToHashSet();

        Assert.Empty(used.Except(defined));
    }

    [Fact]
    public void Chart_SettingNames_AreSettingsTheGatewayBinds()
    {
        var texts = Repository.ChartTemplates.Append(Path.Combine(Repository.ChartDirectory, "values.yaml")).Select(File.ReadAllText);
        var names = texts.SelectMany(AppSettings.NamesIn).Distinct().ToList();
        var configMap = (YamlMappingNode)StrippedTemplate("configmap.yaml")["data"];

        Assert.Contains("Immich__BaseUrl", names);
        Assert.Contains("ConnectionStrings__Redis", names);
        Assert.All(names, name => Assert.True(AppSettings.Names(name), $"{name} (chart) is not a setting the gateway reads"));
        // Stripped actions read "x": a list index ({{ $i }}) or an extraSettings name (checked as values.yaml text).
        Assert.All(configMap.Children.Keys.Select(k => k.ToString().Replace("__x", "__0")).Where(k => k != "x"),
            key => Assert.True(AppSettings.Binds(key), $"ConfigMap key {key} is not a setting the gateway reads"));
    }

    [Fact]
    public void Deployment_ProbesTheHealthEndpointsOnPort8080()
    {
        var container = (YamlMappingNode)((YamlSequenceNode)Node(StrippedTemplate("deployment.yaml"), "spec", "template", "spec", "containers"))[0];
        var http = ((YamlSequenceNode)container["ports"]).Cast<YamlMappingNode>().Single(p => p["name"].ToString() == "http");

        Assert.Equal("8080", http["containerPort"].ToString());
        Assert.Equal(HealthEndpoints.Live, Node(container, "livenessProbe", "httpGet", "path").ToString());
        Assert.Equal(HealthEndpoints.Live, Node(container, "startupProbe", "httpGet", "path").ToString());
        Assert.Equal(HealthEndpoints.Ready, Node(container, "readinessProbe", "httpGet", "path").ToString());
        Assert.All(new[] { "livenessProbe", "startupProbe", "readinessProbe" }, probe => Assert.Equal("http", Node(container, probe, "httpGet", "port").ToString()));
    }

    [Fact]
    public void Deployment_RunsNonRootReadOnlyWithAWritableTmp()
    {
        var spec = (YamlMappingNode)Node(StrippedTemplate("deployment.yaml"), "spec", "template", "spec");
        var container = (YamlMappingNode)((YamlSequenceNode)spec["containers"])[0];
        var mounts = ((YamlSequenceNode)container["volumeMounts"]).Cast<YamlMappingNode>().ToDictionary(m => m["mountPath"].ToString(), m => m["name"].ToString());
        var volumes = ((YamlSequenceNode)spec["volumes"]).Cast<YamlMappingNode>().ToDictionary(v => v["name"].ToString());

        Assert.Equal("true", Node(Values, "podSecurityContext", "runAsNonRoot").ToString());
        Assert.Equal("true", Node(Values, "securityContext", "readOnlyRootFilesystem").ToString());
        Assert.Equal("false", Node(Values, "securityContext", "allowPrivilegeEscalation").ToString());
        Assert.True(volumes[mounts["/tmp"]].Children.ContainsKey("emptyDir"));
        Assert.Equal("RollingUpdate", Node(StrippedTemplate("deployment.yaml"), "spec", "strategy", "type").ToString());
    }

    /// <summary>The users Secret is mounted where Gateway:ConfigDirectory points; no key or hash is ever a value.</summary>
    [Fact]
    public void Users_ComeFromAnExistingSecretMountedAsTheConfigDirectory()
    {
        var spec = (YamlMappingNode)Node(StrippedTemplate("deployment.yaml"), "spec", "template", "spec");
        var container = (YamlMappingNode)((YamlSequenceNode)spec["containers"])[0];
        var usersMount = ((YamlSequenceNode)container["volumeMounts"]).Cast<YamlMappingNode>().Single(m => m["name"].ToString() == "users");
        var configDirectory = ((YamlMappingNode)StrippedTemplate("configmap.yaml")["data"])["Gateway__ConfigDirectory"].ToString();
        var values = File.ReadAllText(Path.Combine(Repository.ChartDirectory, "values.yaml"));

        Assert.Equal(configDirectory, usersMount["mountPath"].ToString());
        Assert.Contains(".Values.users.existingSecret", Template("deployment.yaml"));
        Assert.DoesNotMatch(@"(?m)^\s*Gateway__Users__\S+:\s*\S", values); // documented in comments only, never set
        Assert.DoesNotMatch(@"(?m)^\s*(ImmichApiKey|KeySha256|password)\s*:", values);
    }

    [Fact]
    public void Redis_IsExternalAndReadFromASecret()
    {
        var deployment = Template("deployment.yaml");

        Assert.Matches(@"- name: ConnectionStrings__Redis\s+valueFrom:\s+secretKeyRef:", deployment);
        Assert.Equal("", Node(Values, "redis", "existingSecret").ToString());
    }

    [Fact]
    public void SeveralReplicasWithoutRedis_AreRefused()
    {
        // No helm here to render it: check that the guard exists and tests the values it must.
        var guard = Assert.Single(Template("configmap.yaml").Split('\n'), line => line.Contains("not .Values.redis.existingSecret"));

        Assert.Contains(".Values.autoscaling.enabled", guard);
        Assert.Contains("gt (int .Values.replicaCount) 1", guard);
        Assert.Contains("{{- fail \"redis.existingSecret is required with more than one replica", Template("configmap.yaml"));
    }

    [Fact]
    public void Metrics_HaveTheirOwnPort_WhichTheIngressNeverRoutesTo()
    {
        var configMap = Template("configmap.yaml");

        Assert.Contains("Gateway__Metrics__Port: {{ .Values.metrics.port | quote }}", configMap);
        Assert.Contains("ASPNETCORE_HTTP_PORTS: {{ ternary (printf \"8080;%d\" (int .Values.metrics.port)) \"8080\" .Values.metrics.enabled | quote }}", configMap);
        Assert.Contains("name: http", Template("ingress.yaml"));
        Assert.DoesNotContain("metrics", Template("ingress.yaml"));
        Assert.Contains("port: metrics", Template("servicemonitor.yaml"));
        Assert.Contains("path: /metrics", Template("servicemonitor.yaml"));
    }

    [Fact]
    public void Shutdown_GracePeriodOutlastsTheShutdownTimeout()
    {
        var timeout = int.Parse(Node(Values, "shutdown", "timeoutSeconds").ToString());
        var grace = int.Parse(Node(Values, "shutdown", "terminationGracePeriodSeconds").ToString());
        var delay = TimeSpan.Parse(Node(Values, "shutdown", "delay").ToString(), System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(grace > timeout, "the kubelet would kill pods still draining");
        Assert.True(delay.TotalSeconds < timeout);
    }

    private static bool Exists(YamlMappingNode node, string[] path)
    {
        YamlNode current = node;
        foreach (var segment in path)
        {
            if (current is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(segment), out var next))
            {
                return false;
            }
            current = next;
        }
        return true;
    }

    private static YamlNode Node(YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (var segment in path)
        {
            current = ((YamlMappingNode)current)[segment];
        }
        return current;
    }

    [GeneratedRegex(@"\{\{-?\s*define\s+""([^""]+)""")]
    private static partial Regex Define();

    [GeneratedRegex(@"include\s+""([^""]+)""")]
    private static partial Regex Include();
}
