using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;
using IPNetwork = System.Net.IPNetwork;

namespace ImmichGateway.Proxy;

internal static class ProxyExtensions
{
    /// <summary>
    /// YARP, configured from the <c>ReverseProxy</c> section (routes and their metadata), with the Immich destination
    /// derived from <c>Immich:BaseUrl</c> and the caller's credential swapped for their Immich key.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayProxy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.SectionName)
            .Validate(o => o.MaxRequestBodySize > 0, "Gateway:MaxRequestBodySize must be a positive number of bytes.")
            .Validate(o => (o.KnownProxies ?? []).All(p => IPAddress.TryParse(p, out _)), "Gateway:KnownProxies must list IP addresses, e.g. 10.0.0.7.")
            .Validate(o => (o.KnownNetworks ?? []).All(n => IPNetwork.TryParse(n, out _)), "Gateway:KnownNetworks must list CIDR networks, e.g. 10.0.0.0/8.")
            .Validate(o => (o.PublicRoutes ?? []).All(r => r.StartsWith("/api/", StringComparison.Ordinal)), "Gateway:PublicRoutes must list paths that start with /api/.")
            .ValidateOnStart();

        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<ProxyOptions>>((kestrel, proxy) =>
            kestrel.Limits.MaxRequestBodySize = proxy.Value.MaxRequestBodySize);
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>(ConfigureForwardedHeaders);

        builder.Services.AddSingleton<ImmichRouteRules>();
        builder.Services.AddSingleton<IAuthorizationHandler, ImmichRouteAuthorizationHandler>();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ProxyMetadata.ImmichRoutePolicy, policy => policy.AddRequirements(new ImmichRouteRequirement()));

        builder.Services.AddSingleton<ProxyMetrics>();
        builder.Services.AddSingleton<OpenConnectionRegistry>();
        builder.Services.AddSingleton<IForwarderHttpClientFactory, ImmichForwarderHttpClientFactory>();
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddConfigFilter<ImmichDestinationConfigFilter>()
            .AddTransforms<CredentialTransformProvider>();
        return builder;
    }

    /// <summary>Refuses ambiguous paths before anything else looks at them.</summary>
    public static IApplicationBuilder UsePathGuard(this IApplicationBuilder app) => app.Use(PathGuard.CheckAsync);

    /// <summary>The YARP routes (the <c>/api/**</c> catch-all among them); map last.</summary>
    public static IEndpointConventionBuilder MapGatewayProxy(this IEndpointRouteBuilder app)
    {
        var connections = app.ServiceProvider.GetRequiredService<OpenConnectionRegistry>();
        return app.MapReverseProxy(proxy =>
        {
            proxy.Use(ForwarderErrors.HandleAsync);
            proxy.Use(RequestBodyLimits.ApplyAsync);
            proxy.Use(connections.TrackAsync);
        });
    }

    private static void ConfigureForwardedHeaders(ForwardedHeadersOptions forwarded, IOptions<ProxyOptions> proxy)
    {
        forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        // Every trusted hop is unwrapped (a CDN in front of an ingress), stopping at the first address not believed;
        // the default of one hop left the client behind two trusted proxies as the inner proxy's address.
        forwarded.ForwardLimit = null;
        if (proxy.Value.KnownProxies is { Length: > 0 } || proxy.Value.KnownNetworks is { Length: > 0 })
        {
            // Configured lists replace the default (loopback only): exactly these proxies are believed.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
        }
        foreach (var address in proxy.Value.KnownProxies ?? [])
        {
            forwarded.KnownProxies.Add(IPAddress.Parse(address));
        }
        foreach (var network in proxy.Value.KnownNetworks ?? [])
        {
            forwarded.KnownIPNetworks.Add(IPNetwork.Parse(network));
        }
    }
}
