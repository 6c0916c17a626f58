using ImmichGateway.Tests.Fixtures;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace ImmichGateway.Tests.Observability;

public sealed class ConsoleLogFormatTests
{
    private sealed class DevelopmentGateway : GatewayFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Development");
        }
    }

    private static string? FormatterOf(GatewayFactory gateway) =>
        gateway.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName;

    [Fact]
    public async Task ConsoleLogs_OutsideDevelopment_AreJsonLines()
    {
        await using var gateway = new GatewayFactory(); // environment "Testing", as Production: not Development
        await gateway.InitializeAsync();

        Assert.Equal(ConsoleFormatterNames.Json, FormatterOf(gateway));
    }

    [Fact]
    public async Task ConsoleLogs_InDevelopment_StayReadable()
    {
        await using var gateway = new DevelopmentGateway();
        await gateway.InitializeAsync();

        Assert.NotEqual(ConsoleFormatterNames.Json, FormatterOf(gateway));
    }
}
