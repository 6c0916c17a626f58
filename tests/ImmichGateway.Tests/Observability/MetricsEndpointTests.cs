using System.Net;
using ImmichGateway.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImmichGateway.Tests.Observability;

public sealed class MetricsEndpointTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_ByDefault_ServesPrometheusTextWithTheGatewaysMetersAnonymously()
    {
        await using var gateway = await GatewayFactory.StartAsync();
        using (var revoked = gateway.CreateClient(TestUsers.CarolScript))
        {
            await revoked.GetAsync("/api/albums", Cancel); // Immich refuses Carol's key: counted on the gateway's meter
        }
        using var client = gateway.CreateAnonymousClient();

        var response = await client.GetAsync("/metrics", Cancel); // a scrape also brings the dependency gauge up to date

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.Contains("immich_gateway_immich_key_rejected_total{", text);
        Assert.Contains("immich_gateway_dependency_up{", text);
        Assert.Contains("dependency=\"immich\"", text);
        Assert.Contains("http_server_request_duration_seconds", text);
        Assert.Contains("http_client_request_duration_seconds", text); // the calls to Immich
        Assert.Contains("dotnet_gc_", text); // runtime metrics
        // Per-request duplicates of those two are not recorded (each would be a tag lookup on every request).
        Assert.DoesNotContain("aspnetcore_authorization_attempts", text);
        Assert.DoesNotContain("aspnetcore_authentication_authenticate_duration", text);
        Assert.DoesNotContain("aspnetcore_routing_match_attempts", text);
        Assert.DoesNotContain("aspnetcore_rate_limiting_requests", text);
        Assert.DoesNotContain("http_client_active_requests", text);
        Assert.DoesNotContain("http_client_open_connections", text);
        Assert.DoesNotContain("http_server_active_requests", text);
    }

    [Fact]
    public async Task Metrics_WhenDisabled_AreNotServed()
    {
        await using var gateway = await GatewayFactory.StartAsync(("Gateway:Metrics:Enabled", "false"));
        using var client = gateway.CreateAnonymousClient();

        var response = await client.GetAsync("/metrics", Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_OnAnotherPortThanTheMetricsPort_AreNotServed()
    {
        await using var gateway = await GatewayFactory.StartAsync(("Gateway:Metrics:Port", "9090"));
        using var client = gateway.CreateAnonymousClient();
        client.DefaultRequestHeaders.Host = "localhost:9090"; // the Host header is the client's to choose: not trusted

        var response = await client.GetAsync("/metrics", Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Otlp_OnlyWhenItsEndpointIsSet_ExportsLogsAndKeepsTheDependencyGaugeCurrent()
    {
        await using var without = await GatewayFactory.StartAsync();
        await using var with = await GatewayFactory.StartAsync(("OTEL_EXPORTER_OTLP_ENDPOINT", $"http://127.0.0.1:{Health.DeadEndpoint.Port()}"));

        static bool ExportsLogs(GatewayFactory gateway) =>
            gateway.Services.GetServices<ILoggerProvider>().Any(p => p.GetType().FullName == "OpenTelemetry.Logs.OpenTelemetryLoggerProvider");

        Assert.False(ExportsLogs(without));
        Assert.True(ExportsLogs(with));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!with.Immich.Requests.Any(r => r.Path == "/api/server/ping") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Cancel); // nobody scrapes an OTLP-exporting gateway: it checks by itself
        }
        Assert.Contains(with.Immich.Requests, r => r.Path == "/api/server/ping");
        Assert.DoesNotContain(without.Immich.Requests, r => r.Path == "/api/server/ping");
    }
}
