using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ImmichGateway.Immich;

/// <summary>
/// The <c>X-Forwarded-For</c>/<c>-Proto</c>/<c>-Host</c> (and <c>-Prefix</c>) of a client's request, for the calls the
/// gateway sends Immich on that client's behalf: YARP's own default transforms, so they say exactly what a forwarded
/// request says. The client address is the one ASP.NET Core sees after <c>UseForwardedHeaders</c> (a trusted proxy's
/// <c>X-Forwarded-For</c> is honoured, anyone else's is not), the Host is the one the client sent.
/// </summary>
internal static class ImmichForwardedHeaders
{
    /// <summary>What YARP adds to every route that configures no forwarded transform of its own.</summary>
    private static readonly RequestTransform[] Transforms = [.. new TransformBuilderContext().AddXForwarded().RequestTransforms];

    /// <summary>Sets the headers on <paramref name="request"/>, replacing any it has (YARP's <c>Set</c>).</summary>
    public static async ValueTask ApplyAsync(HttpContext client, HttpRequestMessage request)
    {
        // HeadersCopied: the transforms work on the message alone and never read the client's own X-Forwarded-*.
        var context = new RequestTransformContext { HttpContext = client, ProxyRequest = request, HeadersCopied = true };
        foreach (var transform in Transforms)
        {
            await transform.ApplyAsync(context);
        }
    }

    /// <summary>
    /// The headers, taken from the client's request now, for a call made later where its context is gone (a
    /// HybridCache factory runs on the thread pool without the request's execution context).
    /// </summary>
    public static async ValueTask<IReadOnlyList<KeyValuePair<string, string>>> CaptureAsync(HttpContext client)
    {
        using var scratch = new HttpRequestMessage();
        await ApplyAsync(client, scratch);
        return [.. scratch.Headers.NonValidated.Select(header => KeyValuePair.Create(header.Key, header.Value.ToString()))];
    }
}
