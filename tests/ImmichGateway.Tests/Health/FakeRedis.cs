using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ImmichGateway.Tests.Health;

/// <summary>
/// Just enough of a Redis server on loopback for a health check: answers <c>PING</c> with <c>+PONG</c> and
/// <c>AUTH</c> with <c>+OK</c> for <see cref="Password"/> (else <c>-WRONGPASS</c>); records the commands it got.
/// </summary>
public sealed class FakeRedis : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public FakeRedis(string? password = null)
    {
        Password = password;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string? Password { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public List<string> Commands { get; } = [];

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.UTF8);
            try
            {
                while (await reader.ReadLineAsync(_stop.Token) is { } header && header.StartsWith('*'))
                {
                    var parts = new List<string>();
                    for (var i = 0; i < int.Parse(header[1..]); i++)
                    {
                        await reader.ReadLineAsync(_stop.Token); // $<length>
                        parts.Add((await reader.ReadLineAsync(_stop.Token))!);
                    }
                    lock (Commands)
                    {
                        Commands.Add(parts[0]);
                    }
                    var reply = parts[0] switch
                    {
                        "PING" => "+PONG",
                        "AUTH" when parts[^1] == Password => "+OK",
                        "AUTH" => "-WRONGPASS invalid username-password pair or user is disabled.",
                        _ => "-ERR unknown command",
                    };
                    await stream.WriteAsync(Encoding.UTF8.GetBytes(reply + "\r\n"), _stop.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
