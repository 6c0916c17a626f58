using ImmichGateway.Immich;
using ImmichGateway.Proxy;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ImmichGateway.Caching;

internal static class CachingExtensions
{
    /// <summary>
    /// The cache: Redis when <c>ConnectionStrings:Redis</c> is set (in-memory only otherwise), thumbnails with per-user
    /// access records, server statistics and info through HybridCache, evictions after writes (proxied or translated).
    /// </summary>
    public static IHostApplicationBuilder AddGatewayCaching(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddOptions<CachingOptions>().BindConfiguration(CachingOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(_ => IsValidRedisConnectionString(configuration.GetConnectionString(CachingOptions.RedisConnectionName)),
                $"ConnectionStrings:{CachingOptions.RedisConnectionName} is not a StackExchange.Redis connection string (host:6379,password=…,ssl=true).")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CacheMetrics>();
        builder.Services.AddSingleton<RedisConnection>();
        builder.Services.AddHostedService(services => services.GetRequiredService<RedisConnection>());
        builder.Services.AddSingleton<ImageStore>();
        builder.Services.AddSingleton<AccessRecords>();
        builder.Services.AddSingleton<CacheInvalidation>();
        builder.Services.AddSingleton<ImageConverter>();
        builder.Services.AddSingleton<ThumbnailCache>();
        builder.Services.AddSingleton<ServerInfoCache>();

        // HybridCache for the small JSON answers; its second tier is Redis through the same connection, when there is one.
        builder.Services.AddHybridCache();
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(CachingOptions.RedisConnectionName)))
        {
            builder.Services.AddSingleton<IDistributedCache, RedisDistributedCache>();
        }

        // Evictions: after proxied writes (a YARP transform) and after the writes the gateway sends itself.
        builder.Services.AddSingleton<ITransformProvider, CacheEvictionTransformProvider>();
        builder.Services.AddTransient<CacheEvictionHandler>();
        builder.Services.AddHttpClient(nameof(ImmichClient)).AddHttpMessageHandler<CacheEvictionHandler>();

        builder.Services.AddHttpClient(ServerInfoCache.DirectClient, (services, http) =>
                http.BaseAddress = new Uri(services.GetRequiredService<IOptions<ImmichOptions>>().Value.BaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/"))
            .ConfigurePrimaryHttpMessageHandler(services => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectTimeout = services.GetRequiredService<IOptions<ImmichOptions>>().Value.ConnectTimeout,
            });
        return builder;
    }

    private static bool IsValidRedisConnectionString(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return true; // no Redis: memory only
        }
        try
        {
            return StackExchange.Redis.ConfigurationOptions.Parse(connectionString).EndPoints.Count > 0;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>
    /// Immich's server routes the gateway answers from its cache (mapped before the proxy's catch-all, which they
    /// outrank as literal paths), under the same authorization policy as the proxied routes. Thumbnails are served
    /// by the reference routes <c>GET /api/assets/{id}/thumbnail</c> and <c>GET /api/albums/{id}/cover-image</c>, which
    /// ask <see cref="ThumbnailCache"/> first.
    /// </summary>
    public static RouteGroupBuilder MapGatewayCaching(this IEndpointRouteBuilder app)
    {
        app.ServiceProvider.GetRequiredService<CacheInvalidation>(); // listens for other replicas' evictions from now on

        var server = app.MapGroup("/api/server").RequireAuthorization(ProxyMetadata.ImmichRoutePolicy).ExcludeFromDescription();
        server.MapGet("/statistics", (HttpContext context, ServerInfoCache cache) => cache.StatisticsAsync(context));
        foreach (var name in CacheKeys.ServerInfoNames)
        {
            server.MapGet("/" + name, (HttpContext context, ServerInfoCache cache) => cache.ServerInfoAsync(name, context));
        }
        return server;
    }
}
