using Yarp.ReverseProxy.Transforms.Builder;

namespace ImmichGateway.Scopes;

internal static class ScopesExtensions
{
    /// <summary>Per-client limits (read-only, album-scoped, route allow-lists), configured on each client key.</summary>
    public static IHostApplicationBuilder AddClientScopes(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ScopeOptions>().BindConfiguration(ScopeOptions.SectionName)
            .Validate(o => o.MembershipCacheDuration > TimeSpan.Zero, $"{ScopeOptions.SectionName}:MembershipCacheDuration must be positive.")
            .Validate(o => o.MembershipCacheEntries > 0, $"{ScopeOptions.SectionName}:MembershipCacheEntries must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<AlbumMembershipCache>();
        builder.Services.AddSingleton<ITransformProvider, ScopeNarrowingTransformProvider>();
        return builder;
    }

    /// <summary>After authentication, before rate limits and the cache.</summary>
    public static IApplicationBuilder UseClientScopes(this IApplicationBuilder app) => app.UseMiddleware<ClientScopeMiddleware>();
}
