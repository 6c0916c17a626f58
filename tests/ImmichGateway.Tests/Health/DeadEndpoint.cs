using System.Net;
using System.Net.Sockets;

namespace ImmichGateway.Tests.Health;

/// <summary>A loopback port nothing listens on: connections to it are refused at once.</summary>
public static class DeadEndpoint
{
    public static int Port()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static string Url() => $"http://127.0.0.1:{Port()}";
}
