using ImmichGateway.Aggregates;
using ImmichGateway.Audit;
using ImmichGateway.Auth;
using ImmichGateway.Immich;
using ImmichGateway.Keys;
using ImmichGateway.OpenApi;
using ImmichGateway.Proxy;
using ImmichGateway.Reference;

if (ClientKeyCommand.TryRun(args, Console.Out, out var exitCode))
{
    return exitCode;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddRequestAudit();
builder.Services.AddProblemDetails();
builder.AddGatewayKeys();
builder.AddGatewayAuth();
builder.AddImmichClient();
builder.AddGatewayProxy();
builder.AddGatewayOpenApi();

var app = builder.Build();
app.UseForwardedHeaders();      // trusted proxies only (Gateway:KnownProxies, Gateway:KnownNetworks)
app.UseRequestAudit();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UsePathGuard();             // what the gateway checks is what Immich reads
app.UseAuthentication();
app.UseAuthorization();
app.MapGatewayOpenApi();        // /swagger
app.MapAggregates();            // /bff: whole screens in one call
app.MapReferenceApi();          // the reference API's routes, translated to Immich v3
app.MapGatewayProxy();          // YARP: /api/** and /.well-known/immich, mapped last
app.Run();
return 0;
