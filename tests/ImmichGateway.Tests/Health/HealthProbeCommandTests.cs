using ImmichGateway.Health;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Health;

/// <summary>The compose healthcheck runs <c>dotnet ImmichGateway.dll health-probe</c> inside the container.</summary>
public sealed class HealthProbeCommandTests
{
    [Fact]
    public async Task HealthProbe_AgainstAReadyGateway_ExitsZero()
    {
        await using var gateway = new KestrelGatewayFactory();
        await gateway.InitializeAsync();
        var output = new StringWriter();

        var exitCode = await HealthProbeCommand.TryRunAsync(["health-probe", new Uri(gateway.ServerAddress, "/health/ready").ToString()], output);

        Assert.Equal(0, exitCode);
        Assert.Contains("200", output.ToString());
    }

    [Fact]
    public async Task HealthProbe_WhenNothingListens_ExitsOne()
    {
        var exitCode = await HealthProbeCommand.TryRunAsync(["health-probe", $"{DeadEndpoint.Url()}/health/ready"], new StringWriter());

        Assert.Equal(1, exitCode);
    }

    [Fact]
    public async Task OtherArguments_AreNotTheProbe()
    {
        Assert.Null(await HealthProbeCommand.TryRunAsync([], new StringWriter()));
        Assert.Null(await HealthProbeCommand.TryRunAsync(["new-client-key"], new StringWriter()));
    }

    /// <summary>The probe knocks where Kestrel listens: ASPNETCORE_URLS wins over ASPNETCORE_HTTP_PORTS, as in Kestrel.</summary>
    [Theory]
    [InlineData(null, null, "http://127.0.0.1:8080/health/ready")]
    [InlineData(null, "9000;9090", "http://127.0.0.1:9000/health/ready")]
    [InlineData("http://+:5000", "8080", "http://127.0.0.1:5000/health/ready")]
    [InlineData("http://*:5001;http://localhost:5002", null, "http://127.0.0.1:5001/health/ready")]
    [InlineData("http://0.0.0.0:5003", null, "http://127.0.0.1:5003/health/ready")]
    [InlineData("http://[::]:5004", null, "http://127.0.0.1:5004/health/ready")]
    [InlineData("https://+:5443;http://localhost:5005/", null, "http://localhost:5005/health/ready")]
    [InlineData("http://10.1.2.3:5006", null, "http://10.1.2.3:5006/health/ready")]
    [InlineData("http://+", null, "http://127.0.0.1:80/health/ready")]
    [InlineData("https://+:5443", "7000", "http://127.0.0.1:7000/health/ready")]
    public void DefaultUrl_FollowsTheVariablesKestrelListensBy(string? urls, string? ports, string expected)
    {
        var environment = new Dictionary<string, string?> { ["ASPNETCORE_URLS"] = urls, ["ASPNETCORE_HTTP_PORTS"] = ports };

        Assert.Equal(expected, HealthProbeCommand.DefaultUrl(name => environment.GetValueOrDefault(name)));
    }

    [Fact]
    public async Task HealthProbe_WithoutAUrl_FindsAGatewayListeningOnAspNetCoreUrls()
    {
        await using var gateway = new KestrelGatewayFactory();
        await gateway.InitializeAsync();
        var url = HealthProbeCommand.DefaultUrl(name => name == "ASPNETCORE_URLS" ? $"http://+:{gateway.ServerAddress.Port}" : null);
        var output = new StringWriter();

        Assert.Equal(0, await HealthProbeCommand.TryRunAsync(["health-probe", url], output));
        Assert.Contains("200", output.ToString());
    }
}
