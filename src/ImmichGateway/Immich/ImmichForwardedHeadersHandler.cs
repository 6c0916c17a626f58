namespace ImmichGateway.Immich;

/// <summary>
/// Sends the calling client's <c>X-Forwarded-*</c> (<see cref="ImmichForwardedHeaders"/>) with every call the gateway
/// makes on their behalf, read per call from <see cref="IHttpContextAccessor"/> (handlers are pooled and outlive
/// requests). A call made outside any client request has no context and carries none; the clients of such calls
/// (health checks, the OpenAPI document) do not use this handler anyway.
/// </summary>
internal sealed class ImmichForwardedHeadersHandler(IHttpContextAccessor accessor) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (accessor.HttpContext is { } client)
        {
            await ImmichForwardedHeaders.ApplyAsync(client, request);
        }
        return await base.SendAsync(request, cancellationToken);
    }
}
