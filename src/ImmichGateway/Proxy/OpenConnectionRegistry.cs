using System.Collections.Concurrent;
using ImmichGateway.Auth;
using ImmichGateway.Health;
using ImmichGateway.Keys;
using Microsoft.AspNetCore.Http.Features;

namespace ImmichGateway.Proxy;

/// <summary>
/// Tracks lasting connections (WebSockets, socket.io long polls) per caller. When a reload removes or changes a
/// client's key, the user's Immich key, or what a bearer token was matched by, those connections are closed: a revoked
/// credential must not keep a live feed open. On shutdown, once the gateway stops taking new work (after
/// <c>Gateway:Health:ShutdownDelay</c>), its WebSockets and long polls are closed too: they never end by themselves,
/// and would hold the server's drain for the whole shutdown timeout. Other requests drain as usual.
/// </summary>
internal sealed class OpenConnectionRegistry : IDisposable
{
    private readonly ConcurrentDictionary<HttpContext, Tracked> _open = new();
    private readonly GatewayUsersStore _users;
    private readonly CancellationToken _servingEnded;
    private readonly CancellationTokenRegistration _onServingEnded;
    private readonly ILogger<OpenConnectionRegistry> _logger;

    /// <param name="Held">A WebSocket, or a long poll Immich holds open: closed on shutdown.</param>
    private readonly record struct Tracked(GatewayCaller Caller, string ImmichKey, bool Held);

    public OpenConnectionRegistry(GatewayUsersStore users, ShutdownDelay shutdown, ILogger<OpenConnectionRegistry> logger)
    {
        _users = users;
        _logger = logger;
        _users.Changed += CloseRevoked;
        _servingEnded = shutdown.ServingEnded;
        _onServingEnded = _servingEnded.Register(CloseForShutdown);
    }

    public Task TrackAsync(HttpContext context, RequestDelegate next)
    {
        // WebSockets, and socket.io's long polls, which Immich holds open for up to its ping interval (25 s).
        var socket = context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true ||
                     context.Features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect == true;
        var socketIo = context.Request.Path.StartsWithSegments("/api/socket.io", StringComparison.OrdinalIgnoreCase);
        var caller = socket || socketIo ? GatewayCaller.From(context.User) : null;
        var immichKey = caller is null ? null : _users.Current.ImmichKeyFor(caller.User);
        // A long poll is an open session's GET (engine.io's sid); the handshake and the client's POSTs are short.
        var held = socket || (socketIo && HttpMethods.IsGet(context.Request.Method) && context.Request.Query.ContainsKey("sid"));
        return caller is null || immichKey is null ? next(context) : TrackOpenAsync(context, new Tracked(caller, immichKey, held), next);
    }

    private async Task TrackOpenAsync(HttpContext context, Tracked tracked, RequestDelegate next)
    {
        _open[context] = tracked;
        try
        {
            // One that came in on a kept-alive connection after the shutdown's closing would hold the drain in its turn.
            // The barrier pairs with the token's cancellation: either CloseForShutdown sees this entry, or this sees it.
            Interlocked.MemoryBarrier();
            if (tracked.Held && _servingEnded.IsCancellationRequested)
            {
                context.Abort();
            }
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

    private void CloseForShutdown()
    {
        var count = 0;
        foreach (var (context, tracked) in _open)
        {
            if (tracked.Held)
            {
                context.Abort(); // as for a revoked key: Kestrel cuts the connection, YARP then drops Immich's side
                count++;
            }
        }
        ProxyLog.ConnectionsClosedForShutdown(_logger, count);
    }

    public void Dispose()
    {
        _users.Changed -= CloseRevoked;
        _onServingEnded.Dispose();
    }
}
