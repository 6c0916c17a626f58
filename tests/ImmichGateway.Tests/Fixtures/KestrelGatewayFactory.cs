using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ImmichGateway.Tests.Fixtures;

/// <summary>
/// The gateway on real Kestrel sockets, for what TestServer cannot show: WebSocket upgrades, Kestrel's body limits,
/// raw request targets.
/// </summary>
public class KestrelGatewayFactory : GatewayFactory
{
    public KestrelGatewayFactory() => UseKestrel(0);

    protected override Uri ClientBaseAddress => ServerAddress;

    public Uri ServerAddress
    {
        get
        {
            StartServer();
            return new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        }
    }
}
