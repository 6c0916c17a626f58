using ImmichGateway.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Model;

namespace ImmichGateway.Proxy;

/// <summary>
/// Uploads stream without a size limit; every other route keeps <see cref="ProxyOptions.MaxRequestBodySize"/>, and a
/// declared Content-Length above it is refused before anything reaches Immich.
/// </summary>
internal static class RequestBodyLimits
{
    public static Task ApplyAsync(HttpContext context, RequestDelegate next)
    {
        var route = context.GetReverseProxyFeature().Route.Config;
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (route.Metadata?.GetValueOrDefault(ProxyMetadata.Upload) == "true")
        {
            if (sizeFeature is { IsReadOnly: false })
            {
                sizeFeature.MaxRequestBodySize = null;
            }
        }
        else
        {
            var limit = context.RequestServices.GetRequiredService<IOptions<ProxyOptions>>().Value.MaxRequestBodySize;
            if (context.Request.ContentLength > limit)
            {
                return context.WriteProblemAsync(StatusCodes.Status413PayloadTooLarge, "Request body too large",
                    $"This route accepts at most {limit} bytes (Gateway:MaxRequestBodySize); uploads go to POST /api/assets.").AsTask();
            }
            if (sizeFeature is { IsReadOnly: false })
            {
                sizeFeature.MaxRequestBodySize = limit;
            }
        }
        return next(context);
    }
}
