using System.Diagnostics;
using ImmichGateway.Tests.Caching;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Instrumentation.StackExchangeRedis;
using OpenTelemetry.Trace;

namespace ImmichGateway.Tests.Observability;

/// <summary>
/// The gateway with its cache on its own redis-server and tracing on, spans going to an in-memory exporter added
/// after the app's own processors (as <see cref="TelemetryGatewayFactory"/>). Redis spans are made by the
/// instrumentation's drain thread, some time after the command: dispose the gateway to flush them.
/// </summary>
public sealed class TracedCacheGateway : CacheGateway
{
    public List<Activity> Spans { get; } = [];

    public TracedCacheGateway() => Settings["Gateway:Telemetry:Tracing"] = "true"; // traces without an OTLP endpoint

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));
            // Only the flush on dispose: a periodic drain that lands between the end of a request and a Redis write
            // it started (the image is stored in the background) drops that session, and the write's span with it.
            services.Configure<StackExchangeRedisInstrumentationOptions>(redis => redis.FlushInterval = TimeSpan.FromHours(1));
        });
    }
}
