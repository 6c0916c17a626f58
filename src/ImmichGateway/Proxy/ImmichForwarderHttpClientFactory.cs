using ImmichGateway.Immich;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace ImmichGateway.Proxy;

/// <summary>
/// YARP's own handler (redirects off, no decompression, no cookies — Immich's 302s and compressed bodies pass through
/// as they are), with a short connect timeout so an unreachable Immich gives a fast 502 rather than a hang.
/// </summary>
internal sealed class ImmichForwarderHttpClientFactory(IOptions<ImmichOptions> immich, ILogger<ForwarderHttpClientFactory> logger)
    : ForwarderHttpClientFactory(logger)
{
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        handler.ConnectTimeout = immich.Value.ConnectTimeout;
    }
}
