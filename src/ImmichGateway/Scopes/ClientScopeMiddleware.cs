using ImmichGateway.Auth;
using ImmichGateway.Errors;
using ImmichGateway.Immich;
using ImmichGateway.Keys;
using ImmichGateway.Proxy;
using Microsoft.Extensions.Options;

namespace ImmichGateway.Scopes;

/// <summary>
/// Enforces the caller's client limits before anything else sees the request — rate limits, the cache, Immich. A
/// refusal is a 403 problem naming the limit (never which other albums exist), and Immich is not contacted, except to
/// ask (with the user's key, briefly remembered) whether an asset is in one of the client's albums.
/// </summary>
internal sealed class ClientScopeMiddleware(
    RequestDelegate next,
    GatewayUsersStore users,
    ImmichRouteRules routes,
    AlbumMembershipCache memberships,
    ILogger<ClientScopeMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var caller = GatewayCaller.From(context.User);
        if ((caller is null ? ClientScope.Unlimited : users.Current.ScopeFor(caller.KeySha256)) is not { } scope)
        {
            // The key was removed by a reload after it was authenticated: never its user's full rights in its place.
            context.Response.Headers.WWWAuthenticate = "ApiKey header=\"x-api-key\"";
            return context.WriteProblemAsync(StatusCodes.Status401Unauthorized, "Authentication required", AuthMessages.UnknownKey).AsTask();
        }
        if (!scope.LimitsRequests)
        {
            return next(context); // most clients: nothing to check, nothing allocated
        }
        var path = context.Request.Path.Value ?? "/";
        if (routes.IsPublic(context.Request) ||
            !(path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/bff/", StringComparison.OrdinalIgnoreCase) ||
              path.Equals("/api", StringComparison.OrdinalIgnoreCase)))
        {
            return next(context);
        }
        return EnforceAsync(context, caller!, scope, path);
    }

    private async Task EnforceAsync(HttpContext context, GatewayCaller caller, ClientScope scope, string path)
    {
        var decision = ScopeRules.Evaluate(scope, context.Request.Method, path, context.Request.QueryString.Value);
        if (decision.Refusal is null && decision.AssetToCheck is { } asset &&
            !await IsInAlbumsAsync(context.RequestServices.GetRequiredService<ImmichClient>(), caller.User, asset, scope, context.RequestAborted))
        {
            decision = ScopeDecision.Refuse(ScopeRules.AlbumRefusal);
        }
        if (decision.Refusal is { } reason)
        {
            ScopesLog.Refused(logger, context.Request.Method, path, caller.User, caller.Client, reason);
            await context.WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden by this client's limits", reason);
            return;
        }

        ClientScopes.Set(context, scope);
        await next(context);
    }

    private async Task<bool> IsInAlbumsAsync(ImmichClient immich, string user, Guid asset, ClientScope scope, CancellationToken cancel)
    {
        var key = $"ImmichGateway.AssetAlbums:{user}:{asset}";
        if (!memberships.TryGet(key, out var albums))
        {
            var generation = memberships.Generation;
            try
            {
                var containing = await immich.GetAsync<List<ImmichAlbum>>($"api/albums?assetId={asset}", cancel);
                albums = containing.Select(a => a.Id).ToHashSet();
            }
            catch (ImmichException refused) when (refused.StatusCode is 400 or 403 or 404)
            {
                albums = new HashSet<Guid>(); // no such asset, or not the user's to see: not in any of the client's albums
            }
            // Immich failing (5xx, 429) is not an answer: it surfaces as Immich's error, and nothing is remembered.
            memberships.Set(key, albums, generation);
        }
        return albums!.Overlaps(scope.Albums!);
    }
}
