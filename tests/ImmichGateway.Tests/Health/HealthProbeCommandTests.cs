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
}
