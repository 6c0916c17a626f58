using ImmichGateway.Immich;
using ImmichGateway.Keys;
using Microsoft.AspNetCore.Authentication;

namespace ImmichGateway.Auth;

/// <summary>
/// Authenticates a gateway client key sent in <c>x-api-key</c>, where Immich clients already put a key; a request that
/// carries only a bearer token is handed to the bearer scheme. It implements <see cref="IAuthenticationHandler"/>
/// directly: the <c>AuthenticationHandler&lt;T&gt;</c> base creates a logger (under the logger factory's lock), looks up
/// its options and builds an events object for every request, none of which a key lookup needs.
/// </summary>
internal sealed class ClientKeyAuthenticationHandler(GatewayUsersStore users, ILogger<ClientKeyAuthenticationHandler> logger)
    : IAuthenticationHandler
{
    private AuthenticationScheme _scheme = null!;
    private HttpContext _context = null!;
    private Task<AuthenticateResult>? _result;

    public Task InitializeAsync(AuthenticationScheme scheme, HttpContext context)
    {
        _scheme = scheme;
        _context = context;
        return Task.CompletedTask;
    }

    /// <summary>Once per request: a second call (the 401 writer asks why) gets the same result, logged once.</summary>
    public Task<AuthenticateResult> AuthenticateAsync() =>
        _result ??= IsBearerOnly ? _context.AuthenticateAsync(GatewayAuthDefaults.BearerScheme) : Task.FromResult(Authenticate());

    public Task ChallengeAsync(AuthenticationProperties? properties) =>
        IsBearerOnly ? _context.ChallengeAsync(GatewayAuthDefaults.BearerScheme, properties) : Refuse(StatusCodes.Status401Unauthorized);

    public Task ForbidAsync(AuthenticationProperties? properties) =>
        IsBearerOnly ? _context.ForbidAsync(GatewayAuthDefaults.BearerScheme, properties) : Refuse(StatusCodes.Status403Forbidden);

    private bool IsBearerOnly => IsBearerRequest(_context.Request);

    /// <summary>
    /// A key in <c>x-api-key</c> takes precedence; without one (an empty header is none), a bearer token goes to the
    /// bearer scheme.
    /// </summary>
    public static bool IsBearerRequest(HttpRequest request) =>
        string.IsNullOrEmpty(request.Headers[ImmichHeaders.ApiKey].ToString()) &&
        request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    private AuthenticateResult Authenticate()
    {
        var values = _context.Request.Headers[ImmichHeaders.ApiKey];
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return AuthenticateResult.NoResult();
        }
        if (values.Count > 1)
        {
            return AuthenticateResult.Fail(AuthMessages.SeveralKeys);
        }

        switch (users.Current.FindByKey(values[0], out var client, out var immichKeyUser))
        {
            case KeyMatch.Client:
                return AuthenticateResult.Success(new AuthenticationTicket(client!.Principal, _scheme.Name));
            case KeyMatch.ImmichKey:
                AuthLog.ImmichKeyPresented(logger, immichKeyUser!);
                return AuthenticateResult.Fail(AuthMessages.ImmichKeyPresented);
            default:
                return AuthenticateResult.Fail(AuthMessages.UnknownKey);
        }
    }

    private Task Refuse(int status)
    {
        _context.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}
