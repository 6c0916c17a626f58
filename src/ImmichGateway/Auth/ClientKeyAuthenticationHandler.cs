using System.Text.Encodings.Web;
using ImmichGateway.Immich;
using ImmichGateway.Keys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ImmichGateway.Auth;

/// <summary>Authenticates a gateway client key sent in <c>x-api-key</c>, where Immich clients already put a key.</summary>
internal sealed class ClientKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    GatewayUsersStore users)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var values = Request.Headers[ImmichHeaders.ApiKey];
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (values.Count > 1)
        {
            return Task.FromResult(AuthenticateResult.Fail(AuthMessages.SeveralKeys));
        }

        switch (users.Current.FindByKey(values[0], out var client, out var immichKeyUser))
        {
            case KeyMatch.Client:
                return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(client!.Principal, Scheme.Name)));
            case KeyMatch.ImmichKey:
                AuthLog.ImmichKeyPresented(Logger, immichKeyUser!);
                return Task.FromResult(AuthenticateResult.Fail(AuthMessages.ImmichKeyPresented));
            default:
                return Task.FromResult(AuthenticateResult.Fail(AuthMessages.UnknownKey));
        }
    }
}
