using System.Text.RegularExpressions;
using ImmichGateway.Health;
using YamlDotNet.RepresentationModel;

namespace ImmichGateway.Tests.Packaging;

public sealed partial class ComposeTests
{
    private static readonly string Text = Repository.Read("docker-compose.yml");
    private static readonly YamlMappingNode Compose = Repository.LoadYaml(Text);

    private static YamlMappingNode Services => (YamlMappingNode)Compose["services"];

    private static YamlMappingNode Service(string name) => (YamlMappingNode)Services[name];

    private static IEnumerable<(string Name, YamlMappingNode Service)> AllServices =>
        Services.Children.Select(s => (((YamlScalarNode)s.Key).Value!, (YamlMappingNode)s.Value));

    private static bool Has(YamlMappingNode node, string key) => node.Children.ContainsKey(key);

    [Fact]
    public void Compose_RunsTheWholeStack()
    {
        Assert.Equal(["database", "gateway", "gateway-redis", "immich-machine-learning", "immich-server", "redis"],
            AllServices.Select(s => s.Name).Order());
        Assert.StartsWith("ghcr.io/immich-app/postgres:", Service("database")["image"].ToString());
        Assert.StartsWith("ghcr.io/immich-app/immich-server:", Service("immich-server")["image"].ToString());
        Assert.StartsWith("ghcr.io/immich-app/immich-machine-learning:", Service("immich-machine-learning")["image"].ToString());
    }

    [Fact]
    public void Compose_PublishesOnlyTheGatewaysPort_ToItsPort8080()
    {
        var published = AllServices.Where(s => Has(s.Service, "ports")).Select(s => s.Name);
        var gatewayPort = Assert.Single((YamlSequenceNode)Service("gateway")["ports"]).ToString();
        var setup = (YamlMappingNode)Repository.LoadYaml(Repository.Read("docker-compose.setup.yml"))["services"];

        Assert.Equal(["gateway"], published);
        Assert.EndsWith(":8080", gatewayPort);
        // The setup override opens Immich's web UI on this machine's loopback only, never to the network.
        Assert.All(setup.Children.Values.Cast<YamlMappingNode>().SelectMany(s => (YamlSequenceNode)s["ports"]),
            p => Assert.StartsWith("127.0.0.1:", p.ToString()));
    }

    [Fact]
    public void Compose_EveryServiceHasAHealthcheck_AndTheGatewaysProbesReadiness()
    {
        Assert.All(AllServices, s => Assert.True(Has(s.Service, "healthcheck"), $"{s.Name} has no healthcheck"));
        var test = ((YamlSequenceNode)((YamlMappingNode)Service("gateway")["healthcheck"])["test"]).Select(n => n.ToString()).ToList();

        Assert.Equal(["CMD", "dotnet", typeof(Program).Assembly.GetName().Name + ".dll", HealthProbeCommand.Name], test);
    }

    [Fact]
    public void Compose_GatewayEnvironment_UsesOnlySettingsTheGatewayBinds()
    {
        var environment = (YamlMappingNode)Service("gateway")["environment"];
        var names = environment.Children.Keys.Select(k => k.ToString()).ToList();

        Assert.Contains("Immich__BaseUrl", names);
        Assert.Contains("ConnectionStrings__Redis", names);
        Assert.All(names, name => Assert.True(AppSettings.Binds(name), $"{name} is not a setting the gateway reads"));
        Assert.All(AppSettings.NamesIn(Text), name => Assert.True(AppSettings.Names(name), $"{name} (docker-compose.yml) is not a setting the gateway reads"));
        Assert.Equal("http://immich-server:2283", environment["Immich__BaseUrl"].ToString());
    }

    [Fact]
    public void Compose_GatewayRedis_IsABoundedLruCache()
    {
        var command = string.Join(' ', ((YamlSequenceNode)Service("gateway-redis")["command"]).Select(n => n.ToString()));

        Assert.Contains("--maxmemory ", command);
        Assert.Contains("--maxmemory-policy allkeys-lru", command);
        Assert.StartsWith("gateway-redis:6379", ((YamlMappingNode)Service("gateway")["environment"])["ConnectionStrings__Redis"].ToString());
    }

    [Fact]
    public void Compose_KeepsDataInVolumes()
    {
        Assert.Contains(((YamlSequenceNode)Service("immich-server")["volumes"]).Select(v => v.ToString()), v => v.EndsWith(":/data"));
        Assert.Contains(((YamlSequenceNode)Service("database")["volumes"]).Select(v => v.ToString()), v => v.EndsWith(":/var/lib/postgresql/data"));
        Assert.Contains(((YamlSequenceNode)Service("immich-machine-learning")["volumes"]).Select(v => v.ToString()), v => v.EndsWith(":/cache"));
        Assert.Contains(((YamlSequenceNode)Service("gateway")["volumes"]).Select(v => v.ToString()), v => v.EndsWith(":/config:ro"));
    }

    [Fact]
    public void EnvExample_DefinesEveryVariableComposeRequires_AndNothingElse()
    {
        var example = Repository.Read(".env.example").Split('\n').Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l[..l.IndexOf('=')]).ToList();
        var used = Interpolation().Matches(Text).Select(m => m.Groups[1].Value).ToHashSet();

        Assert.All(used, name => Assert.Contains(name, example));
        Assert.All(example, name => Assert.True(used.Contains(name), $".env.example sets {name}, which docker-compose.yml never uses"));
        Assert.All(example.Where(n => n.Contains("__")), name => Assert.True(AppSettings.Binds(name), $"{name} is not a setting the gateway reads"));
    }

    [GeneratedRegex(@"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Interpolation();
}
