using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ImmichGateway.Caching;

/// <summary>
/// Evicts after a proxied write of <see cref="CacheEvictionRules.Table"/> succeeded. Bodies that name assets are read
/// (small JSON) before forwarding and handed on to YARP unchanged, as YARP's documentation does for body transforms.
/// </summary>
internal sealed class CacheEvictionTransformProvider(CacheInvalidation invalidation, ILogger<CacheEvictionTransformProvider> logger) : ITransformProvider
{
    private const string RuleItem = "ImmichGateway.Caching.EvictionRule";
    private const string AssetsItem = "ImmichGateway.Caching.EvictionAssets";

    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        context.AddRequestTransform(RememberAsync);
        context.AddResponseTransform(EvictAsync);
    }

    private static async ValueTask RememberAsync(RequestTransformContext context)
    {
        var request = context.HttpContext.Request;
        if (CacheEvictionRules.Find(request.Method, request.Path.Value) is not { } rule)
        {
            return;
        }
        context.HttpContext.Items[RuleItem] = rule;
        if (rule.Scope != EvictionScope.BodyAssets || request.ContentLength == 0)
        {
            return;
        }
        var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.CancellationToken);
        body.Position = 0;
        request.Body = body; // YARP reads the request body when it sends, so it gets these same bytes
        context.HttpContext.Response.RegisterForDispose(body);
        if (body.Length <= CacheEvictionRules.MaxBodyBytes)
        {
            context.HttpContext.Items[AssetsItem] = CacheEvictionRules.BodyAssets(body.GetBuffer().AsSpan(0, (int)body.Length));
        }
    }

    private async ValueTask EvictAsync(ResponseTransformContext context)
    {
        if (context.HttpContext.Items[RuleItem] is not EvictionRule rule || context.ProxyResponse is not { IsSuccessStatusCode: true })
        {
            return;
        }
        var request = context.HttpContext.Request;
        var path = request.Path.Value!;
        await invalidation.EvictAsync(rule, path, context.HttpContext.Items[AssetsItem] as IReadOnlyCollection<Guid>);
        CachingLog.Evicted(logger, request.Method, path, rule.Scope.ToString());
    }
}
