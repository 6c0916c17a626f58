using ImmichGateway.Aggregates;
using ImmichGateway.Audit;
using ImmichGateway.Auth;
using ImmichGateway.Caching;
using ImmichGateway.Cors;
using ImmichGateway.Errors;
using ImmichGateway.Health;
using ImmichGateway.Immich;
using ImmichGateway.Keys;
using ImmichGateway.Observability;
using ImmichGateway.OpenApi;
using ImmichGateway.Proxy;
using ImmichGateway.RateLimits;
using ImmichGateway.Reference;
using ImmichGateway.Scopes;

if (ClientKeyCommand.TryRun(args, Console.Out, out var exitCode))
{
    return exitCode;
}
if (await HealthProbeCommand.TryRunAsync(args, Console.Out) is { } probeExitCode)
{
    return probeExitCode;      // docker compose's healthcheck: the image has no shell or curl
}

var builder = WebApplication.CreateBuilder(args);
builder.AddObservability();     // OpenTelemetry traces and metrics, JSON logs outside Development
builder.AddRequestAudit();
builder.Services.AddProblemDetails();
builder.AddGatewayKeys();
builder.AddGatewayCors();
builder.AddGatewayAuth();
builder.AddClientScopes();
builder.AddGatewayRateLimits();
builder.AddImmichClient();
builder.AddGatewayCaching();      // Redis (or memory): thumbnails per user access, server statistics and info
builder.AddReferenceApi();        // the reference API's {id:uuid} routes
builder.AddGatewayProxy();
builder.AddGatewayOpenApi();
builder.AddGatewayHealthChecks();

var app = builder.Build();
app.UseForwardedHeaders();      // trusted proxies only (Gateway:KnownProxies, Gateway:KnownNetworks)
app.UseRequestAudit();
app.UseExceptionHandler();
app.UseProblemStatusCodePages(); // a bodiless error status (no route, wrong method) as a problem document
app.UsePathGuard();             // what the gateway checks is what Immich reads
app.UseCors();                  // preflights carry no key: answered before authentication (Gateway:Cors)
app.UseAuthentication();
app.UseAuthorization();
app.UseClientScopes();          // per-client limits (read-only, albums, routes), before rate limits and the cache
app.UseRateLimiter();           // per client key; per IP for anonymous callers
app.MapGatewayOpenApi();        // /swagger
app.MapGatewayHealthChecks();   // /health/live, /health/ready, /health/dependencies
app.MapGatewayMetrics();        // /metrics (Prometheus), unless Gateway:Metrics:Enabled is false
app.MapAggregates();            // /bff: whole screens in one call
app.MapGatewayCaching();        // cached Immich server routes (thumbnails: the reference route asks the cache)
app.MapReferenceApi();          // the reference API's routes, translated to Immich v3
app.MapGatewayProxy();          // YARP: /api/** and /.well-known/immich, mapped last
app.Run();
return 0;
