using System.Collections.Concurrent;
using ImmichGateway.Auth;
using ImmichGateway.Keys;
using Microsoft.AspNetCore.Http.Features;

namespace ImmichGateway.Proxy;

/// <summary>
/// Tracks lasting connections (WebSockets, socket.io long polls) per caller. When a reload removes or changes a
/// client's key, the user's Immich key, or what a bearer token was matched by, those connections are closed: a revoked
/// credential must not keep a live feed open.
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
        // WebSockets, and socket.io's long polls, which Immich holds open for up to its ping interval (25 s).
        var lasting = context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true ||
                      context.Features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect == true ||
                      context.Request.Path.StartsWithSegments("/api/socket.io", StringComparison.OrdinalIgnoreCase);
        var caller = lasting ? GatewayCaller.From(context.User) : null;
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
