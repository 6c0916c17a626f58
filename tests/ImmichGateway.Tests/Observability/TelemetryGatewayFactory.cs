using System.Diagnostics;
using ImmichGateway.Tests.Fixtures;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using OpenTelemetry.Trace;

namespace ImmichGateway.Tests.Observability;

/// <summary>The gateway with an in-memory span exporter added after the app's own processors, as OTLP would be.</summary>
public sealed class TelemetryGatewayFactory : GatewayFactory
{
    public List<Activity> Spans { get; } = [];

    public TelemetryGatewayFactory() => Settings["Gateway:Telemetry:Tracing"] = "true"; // traces without an OTLP endpoint

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans)));
    }
}
