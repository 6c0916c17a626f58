using System.Collections.Concurrent;
using ImmichGateway.Auth;
using ImmichGateway.Keys;
using Microsoft.AspNetCore.Http.Features;

namespace ImmichGateway.Proxy;

/// <summary>
/// Tracks upgraded connections (WebSockets) per caller. When a reload removes or changes a client's key, or the
/// user's Immich key, that client's open sockets are closed: a revoked key must not keep a live feed open.
/// </summary>
internal sealed class OpenConnectionRegistry : IDisposable
{
    private readonly ConcurrentDictionary<HttpContext, (GatewayCaller Caller, string ImmichKey)> _open = new();
    private readonly GatewayUsersStore _users;
    private readonly ILogger<OpenConnectionRegistry> _logger;

    public OpenConnectionRegistry(GatewayUsersStore users, ILogger<OpenConnectionRegistry> logger)
    {
        _users = users;
        _logger = logger;
        _users.Changed += CloseRevoked;
    }

    public Task TrackAsync(HttpContext context, RequestDelegate next)
    {
        var upgrade = context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true ||
                      context.Features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect == true;
        var caller = upgrade ? GatewayCaller.From(context.User) : null;
        var immichKey = caller is null ? null : _users.Current.ImmichKeyFor(caller.User);
        return caller is null || immichKey is null ? next(context) : TrackOpenAsync(context, caller, immichKey, next);
    }

    private async Task TrackOpenAsync(HttpContext context, GatewayCaller caller, string immichKey, RequestDelegate next)
    {
        _open[context] = (caller, immichKey);
        try
        {
            await next(context);
        }
        finally
        {
            _open.TryRemove(context, out _);
        }
    }

    private void CloseRevoked(GatewayUsersSnapshot snapshot)
    {
        foreach (var group in _open
                     .Where(entry => !snapshot.StillAdmits(entry.Value.Caller, entry.Value.ImmichKey))
                     .GroupBy(entry => entry.Value.Caller))
        {
            var count = 0;
            foreach (var (context, _) in group)
            {
                context.Abort();
                count++;
            }
            KeysLog.ConnectionsClosed(_logger, count, group.Key.User, group.Key.Client);
        }
    }

    public void Dispose() => _users.Changed -= CloseRevoked;
}
