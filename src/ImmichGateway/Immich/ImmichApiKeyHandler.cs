using ImmichGateway.Auth;
using ImmichGateway.Keys;

namespace ImmichGateway.Immich;

/// <summary>
/// Sends the calling user's own Immich API key with every call the gateway makes on their behalf. Handlers outlive
/// requests (they are pooled), so the caller is read from <see cref="IHttpContextAccessor"/> per call.
/// A 401 to that key means the gateway's credential is wrong, not the client's: it becomes
/// <see cref="ImmichKeyRejectedException"/>.
/// </summary>
internal sealed class ImmichApiKeyHandler(IHttpContextAccessor accessor, GatewayUsersStore users) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var caller = accessor.HttpContext is { } context ? GatewayCaller.From(context.User) : null;
        var key = caller is null ? null : users.Current.ImmichKeyFor(caller.User);
        request.Headers.Remove(ImmichHeaders.ApiKey);
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation(ImmichHeaders.ApiKey, key);
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (key is not null && response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            throw new ImmichKeyRejectedException(caller!.User);
        }
        return response;
    }
}
