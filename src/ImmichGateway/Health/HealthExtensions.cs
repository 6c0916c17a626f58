using System.Text.Json;
using ImmichGateway.Immich;
using ImmichGateway.Observability;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ImmichGateway.Health;

internal static class HealthExtensions
{
    /// <summary>
    /// Liveness, readiness (configuration only) and dependency checks (Immich, Redis), a graceful shutdown delay, and
    /// the <c>immich_gateway.dependency.up</c> gauge.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayHealthChecks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.SectionName)
            .Validate(o => o.DependencyCacheDuration >= TimeSpan.Zero, $"{HealthOptions.SectionName}:DependencyCacheDuration must not be negative.")
            .Validate(o => o.DependencyTimeout > TimeSpan.Zero, $"{HealthOptions.SectionName}:DependencyTimeout must be positive.")
            .Validate(o => o.ShutdownDelay >= TimeSpan.Zero, $"{HealthOptions.SectionName}:ShutdownDelay must not be negative.")
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient<ImmichHealthCheck>((services, http) =>
            {
                http.BaseAddress = new Uri(services.GetRequiredService<IOptions<ImmichOptions>>().Value.BaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
                http.Timeout = Timeout.InfiniteTimeSpan; // the health check registration's timeout applies
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });

        var timeout = builder.Configuration.GetValue($"{HealthOptions.SectionName}:{nameof(HealthOptions.DependencyTimeout)}", new HealthOptions().DependencyTimeout);
        builder.Services.AddHealthChecks()
            .AddCheck<ReadinessHealthCheck>(ReadinessHealthCheck.Name, tags: [HealthEndpoints.ReadyTag])
            .AddCheck<ImmichHealthCheck>(ImmichHealthCheck.Name, HealthStatus.Unhealthy, [HealthEndpoints.DependencyTag], timeout)
            // Redis is a cache: without it the gateway still answers, only slower.
            .AddCheck<RedisHealthCheck>(RedisHealthCheck.Name, HealthStatus.Degraded, [HealthEndpoints.DependencyTag], timeout);
        builder.Services.AddSingleton<DependencyStatus>();
        if (!string.IsNullOrWhiteSpace(builder.Configuration[ObservabilityExtensions.OtlpEndpointSetting]))
        {
            builder.Services.AddHostedService<DependencyPoller>();
        }
        builder.Services.AddSingleton<ShutdownDelay>(); // its ServingEnded tells the proxy when to close lasting connections
        builder.Services.AddHostedService(services => services.GetRequiredService<ShutdownDelay>());
        return builder;
    }

    /// <summary>
    /// <c>/health/live</c>, <c>/health/ready</c> (plain <c>Healthy</c>/<c>Unhealthy</c>, 200/503) and
    /// <c>/health/dependencies</c> (JSON; 503 when Immich is down), all anonymous and in every environment.
    /// </summary>
    public static IEndpointRouteBuilder MapGatewayHealthChecks(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks(HealthEndpoints.Live, new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks(HealthEndpoints.Ready, new HealthCheckOptions { Predicate = r => r.Tags.Contains(HealthEndpoints.ReadyTag) }).AllowAnonymous();
        _ = app.ServiceProvider.GetRequiredService<DependencyStatus>(); // creates the gauge before the first scrape
        app.MapGet(HealthEndpoints.Dependencies, WriteDependenciesAsync).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary><c>{"status":"Healthy","dependencies":{"immich":{"status":"Healthy","description":"reachable"},…}}</c></summary>
    private static async Task WriteDependenciesAsync(HttpContext context, DependencyStatus status)
    {
        var report = await status.GetAsync(context.RequestAborted);
        context.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            dependencies = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }, JsonSerializerOptions.Web, context.RequestAborted);
    }
}
