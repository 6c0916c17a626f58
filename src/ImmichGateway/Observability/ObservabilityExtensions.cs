using ImmichGateway.Health;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Instrumentation.StackExchangeRedis;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ImmichGateway.Observability;

internal static class ObservabilityExtensions
{
    /// <summary>The OpenTelemetry endpoint setting; exporting over OTLP happens only when it is set.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string TracingSetting = "Gateway:Telemetry:Tracing";
    public const string LogTimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";

    /// <summary>Console logs are JSON lines outside Development, unless <c>Logging:Console:FormatterName</c> says otherwise.</summary>
    public static bool UsesJsonConsole(IHostApplicationBuilder builder) =>
        !builder.Environment.IsDevelopment() && string.IsNullOrEmpty(builder.Configuration["Logging:Console:FormatterName"]);

    /// <summary>
    /// Traces (incoming requests, YARP's forwarding, every HttpClient call — the typed Immich client's among them —, the
    /// cache's Redis commands and the gateway's own <see cref="GatewayTelemetry.ActivitySource"/>) and metrics (the same
    /// but Redis, the .NET runtime and the gateway's meter). OTLP export when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set
    /// (logs too); a Prometheus scrape endpoint unless <c>Gateway:Metrics:Enabled</c> is false; JSON console logs outside
    /// Development.
    /// Query values, where a client may have put a key, are redacted in every span (<see cref="QueryRedactionProcessor"/>);
    /// headers are never recorded.
    /// </summary>
    public static IHostApplicationBuilder AddObservability(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName)
            .Validate(o => o.Port is null or (> 0 and <= 65535), $"{MetricsOptions.SectionName}:Port must be a TCP port (1-65535).")
            .ValidateOnStart();
        // Which exporters exist is decided while services are registered, so read the switch now (it is also validated above).
        var prometheus = builder.Configuration.GetValue(MetricsOptions.SectionName + ":" + nameof(MetricsOptions.Enabled), true);
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointSetting]);
        // Spans cost ~25 µs per request to create and redact even when nobody exports them: trace only when they go
        // somewhere (OTLP), unless Gateway:Telemetry:Tracing says otherwise.
        var tracing = builder.Configuration.GetValue(TracingSetting, otlp);

        if (UsesJsonConsole(builder))
        {
            // One JSON object per line for the log collector; Logging:Console:FormatterName overrides it.
            builder.Logging.AddJsonConsole(json =>
            {
                json.UseUtcTimestamp = true;
                json.TimestampFormat = LogTimestampFormat;
                json.IncludeScopes = true; // carries TraceId/SpanId, so a log line leads to its trace
            });
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (string.IsNullOrEmpty(builder.Configuration["OTEL_SERVICE_NAME"]))
                {
                    resource.AddService(GatewayTelemetry.ServiceName, serviceVersion: typeof(GatewayTelemetry).Assembly.GetName().Version?.ToString());
                }
            })
            .WithMetrics(metrics =>
            {
                metrics
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter(GatewayTelemetry.Name);
                foreach (var instrument in DroppedInstruments)
                {
                    metrics.AddView(instrument, MetricStreamConfiguration.Drop);
                }
                if (prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
            });

        if (tracing)
        {
            telemetry.WithTracing(traces => traces
                .AddSource(GatewayTelemetry.Name, "Yarp.ReverseProxy")
                .AddAspNetCoreInstrumentation(options => options.Filter = IsTraced)
                .AddHttpClientInstrumentation()
                // The cache's connection is made lazily, so this finds none in DI: RedisConnection adds it when made.
                .AddRedisInstrumentation(redis =>
                {
                    // Spans name the command only (GET, HSET…), never keys or values: keys hold the key prefix and
                    // user hashes derived from Immich keys, values hold images.
                    redis.SetVerboseDatabaseStatements = false;
                    redis.Filter = IsTraced;
                })
                .AddProcessor<QueryRedactionProcessor>()); // before every exporter, the OTLP one included
        }
        if (otlp)
        {
            telemetry.WithLogging(_ => { }, logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
            });
            telemetry.UseOtlpExporter(); // endpoint, protocol and headers from the standard OTEL_EXPORTER_OTLP_* variables
        }
        return builder;
    }

    /// <summary>
    /// <c>/metrics</c> in Prometheus' text format, anonymous (restrict it with <c>Gateway:Metrics:Port</c> or the
    /// network, not with a key Prometheus would have to hold). Nothing is mapped when metrics are off.
    /// </summary>
    public static IEndpointRouteBuilder MapGatewayMetrics(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }

        var dependencies = app.ServiceProvider.GetService<DependencyStatus>();
        var port = options.Port;
        app.MapPrometheusScrapingEndpoint(MetricsOptions.Path).AllowAnonymous().Add(endpoint =>
        {
            var scrape = endpoint.RequestDelegate!;
            endpoint.RequestDelegate = async context =>
            {
                // The local port, not the Host header: a client chooses the header, never the socket it reached.
                if (port is not null && context.Connection.LocalPort != port)
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }
                if (dependencies is not null)
                {
                    await dependencies.GetAsync(context.RequestAborted); // the dependency gauge, current to the cache period
                }
                await scrape(context);
            };
        });
        return app;
    }

    /// <summary>
    /// Instruments updated on every request whose figures the kept ones already carry (requests by route and status in
    /// <c>http.server.request.duration</c>, upstream calls in <c>http.client.request.duration</c>): each update costs a
    /// tag lookup on the request path, ~14 of them per proxied request before these were dropped (refusals by the
    /// rate limiter are the 429s of <c>http.server.request.duration</c>).
    /// </summary>
    internal static readonly string[] DroppedInstruments =
    [
        "aspnetcore.authentication.authenticate.duration", "aspnetcore.authorization.attempts",
        "aspnetcore.routing.match_attempts", "aspnetcore.rate_limiting.active_request_leases",
        "aspnetcore.rate_limiting.request_lease.duration", "aspnetcore.rate_limiting.requests", "aspnetcore.memory_pool.rented",
        "http.client.active_requests", "http.client.request.time_in_queue",
        "http.client.open_connections", // two updates per request (idle → active → idle), seven tags each
        "http.server.active_requests",  // two updates per request; rate × duration of the histogram gives the same
    ];

    /// <summary>Probes and scrapes every few seconds would drown the traces that matter.</summary>
    private static bool IsTraced(HttpContext context) =>
        !context.Request.Path.StartsWithSegments(HealthEndpoints.Prefix) && !context.Request.Path.StartsWithSegments(MetricsOptions.Path);

    /// <summary>
    /// Not the dependency check's <c>PING</c> outside any request (the OTLP poller's, every few seconds): it runs under
    /// <see cref="SuppressInstrumentationScope"/>, but Redis spans are made later on the instrumentation's own thread,
    /// which does not see it. (A filter makes the instrumentation hold a request's commands until the request ends.)
    /// </summary>
    private static bool IsTraced(RedisInstrumentationContext command) =>
        command.ParentActivity is not null || command.ProfiledCommand.Command != "PING";
}
