using System.Net;
using System.Text.Json;
using ImmichGateway.Tests.Caching;
using ImmichGateway.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ImmichGateway.Tests.Health;

/// <summary>Each test owns its gateway (and fake Immich), so what reached Immich is exactly what the test caused.</summary>
public sealed class HealthEndpointTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Probe_WithImmichUp_Returns200Anonymously(string path)
    {
        await using var gateway = await GatewayFactory.StartAsync();
        using var client = gateway.CreateAnonymousClient();

        var response = await client.GetAsync(path, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Cancel));
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Probe_WhenImmichIsDown_StillReturns200(string path)
    {
        await using var gateway = await GatewayFactory.StartAsync(("Immich:BaseUrl", DeadEndpoint.Url()));
        using var client = gateway.CreateAnonymousClient();

        var response = await client.GetAsync(path, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Ready_DuringTheShutdownDelay_Returns503WhileRequestsAreStillServed()
    {
        await using var gateway = await GatewayFactory.StartAsync(("Gateway:Health:ShutdownDelay", "00:00:03"));
        using var client = gateway.CreateAnonymousClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready", Cancel)).StatusCode);

        gateway.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication(); // as SIGTERM does
        var ready = await client.GetAsync("/health/ready", Cancel);
        var live = await client.GetAsync("/health/live", Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Dependencies_WithImmichUpAndNoRedis_ReportsHealthyAndRedisNotConfigured()
    {
        await using var gateway = await GatewayFactory.StartAsync();
        using var client = gateway.CreateAnonymousClient();

        var response = await client.GetAsync("/health/dependencies", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        var dependencies = body.RootElement.GetProperty("dependencies");
        Assert.Equal("Healthy", dependencies.GetProperty("immich").GetProperty("status").GetString());
        Assert.Equal("not configured", dependencies.GetProperty("redis").GetProperty("description").GetString());
        var ping = Assert.Single(gateway.Immich.Requests, r => r.Path == "/api/server/ping");
        Assert.Null(ping.Header("x-api-key")); // the public ping, with no user's key
    }

    [Fact]
    public async Task Dependencies_WhenImmichIsDown_Returns503WithoutRevealingTheAddress()
    {
        var port = DeadEndpoint.Port();
        await using var gateway = await GatewayFactory.StartAsync(("Immich:BaseUrl", $"http://127.0.0.1:{port}"));
        using var client = gateway.CreateAnonymousClient();

        var response = await client.GetAsync("/health/dependencies", Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        using var body = JsonDocument.Parse(text);
        Assert.Equal("Unhealthy", body.RootElement.GetProperty("dependencies").GetProperty("immich").GetProperty("status").GetString());
        Assert.Equal("unreachable", body.RootElement.GetProperty("dependencies").GetProperty("immich").GetProperty("description").GetString());
        Assert.DoesNotContain(port.ToString(), text);
        Assert.DoesNotContain("127.0.0.1", text);
    }

    [Fact]
    public async Task Dependencies_CalledRepeatedly_AsksImmichOncePerCachePeriod()
    {
        await using var gateway = await GatewayFactory.StartAsync(("Gateway:Health:DependencyCacheDuration", "00:10:00"));
        using var client = gateway.CreateAnonymousClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.GetAsync("/health/dependencies", Cancel)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(gateway.Immich.Requests, r => r.Path == "/api/server/ping");
    }

    [Fact]
    public async Task Dependencies_WithRedisUp_ReportsRedisHealthy()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var gateway = await GatewayFactory.StartAsync(("ConnectionStrings:Redis", redis.ConnectionString));
        using var client = gateway.CreateAnonymousClient();

        var response = await client.GetAsync("/health/dependencies", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("reachable", body.RootElement.GetProperty("dependencies").GetProperty("redis").GetProperty("description").GetString());
    }

    [Fact]
    public async Task Dependencies_WithRedisUnreachable_IsDegradedNotUnhealthy()
    {
        await using var gateway = await GatewayFactory.StartAsync(("ConnectionStrings:Redis", $"127.0.0.1:{DeadEndpoint.Port()}"));
        using var client = gateway.CreateAnonymousClient();

        var response = await client.GetAsync("/health/dependencies", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // a cache outage slows the gateway, it does not stop it
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        Assert.Equal("Degraded", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("Degraded", body.RootElement.GetProperty("dependencies").GetProperty("redis").GetProperty("status").GetString());
    }
}
