using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ImmichGateway.Reference;

/// <summary>
/// Reference query parameters Immich v3 renamed, on routes the proxy forwards as they are: <c>GET /api/albums?shared=</c>
/// became <c>isShared</c>, and Immich ignores the old name (it answered every album). Renamed on the way, unless the
/// client also sent the new name.
/// </summary>
internal sealed class ReferenceQueryTransformProvider : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context) => context.AddRequestTransform(RenameSharedAsync);

    private static ValueTask RenameSharedAsync(RequestTransformContext context)
    {
        var request = context.HttpContext.Request;
        if (request.QueryString.HasValue && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) &&
            request.Path.Equals("/api/albums", StringComparison.OrdinalIgnoreCase) &&
            context.Query.Collection.Remove("shared", out var shared) && !context.Query.Collection.ContainsKey("isShared"))
        {
            context.Query.Collection["isShared"] = shared;
        }
        return ValueTask.CompletedTask;
    }
}
