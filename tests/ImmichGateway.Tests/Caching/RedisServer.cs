using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ImmichGateway.Tests.Caching;

/// <summary>
/// A real <c>redis-server</c> (installed by .ci/run) on 127.0.0.1 and a free port, without persistence, killed on
/// dispose. <see cref="KillAsync"/> and <see cref="StartAsync()"/> stop and restart it on the same port mid-test.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>In StackExchange.Redis' format, as <c>ConnectionStrings:Redis</c> takes it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartNewAsync()
    {
        var server = new RedisServer(FreePort());
        await server.StartAsync();
        return server;
    }

    /// <summary>A server on a free port, not started: nothing answers there until <see cref="StartAsync"/>.</summary>
    public static RedisServer OnFreePort() => new(FreePort());

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no" })
        {
            start.ArgumentList.Add(argument);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start (is it installed? .ci/run installs it)");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await SendAsync("PING") != "+PONG")
        {
            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                throw new InvalidOperationException($"redis-server on port {Port} did not answer PING");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>SIGKILL: Redis vanishes mid-run, as a crashed pod would.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>SIGSTOP: Redis hangs with its connections open (a stalled node); <see cref="ResumeAsync"/> undoes it.</summary>
    public Task PauseAsync() => SignalAsync("-STOP");

    public Task ResumeAsync() => SignalAsync("-CONT");

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [signal, _process!.Id.ToString()])!;
        await kill.WaitForExitAsync();
    }

    /// <summary>One command in RESP (arguments without spaces); the first line of the reply, or null when Redis is not there.</summary>
    public async Task<string?> SendAsync(params string[] command)
    {
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, Port);
            var stream = tcp.GetStream();
            var request = new StringBuilder($"*{command.Length}\r\n");
            foreach (var part in command)
            {
                request.Append($"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
            }
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));
            var reply = new StringBuilder();
            var buffer = new byte[1];
            while (await stream.ReadAsync(buffer) == 1 && buffer[0] != '\n')
            {
                reply.Append((char)buffer[0]);
            }
            return reply.ToString().TrimEnd('\r');
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>The keys matching a pattern (KEYS: fine for a test's small Redis).</summary>
    public async Task<int> CountKeysAsync(string pattern)
    {
        var reply = await SendAsync("KEYS", pattern);
        return reply is ['*', ..] ? int.Parse(reply[1..]) : 0;
    }

    /// <summary>A key's remaining time to live (PTTL); null when the key is missing or never expires.</summary>
    public async Task<TimeSpan?> TimeToLiveAsync(string key)
    {
        var reply = await SendAsync("PTTL", key);
        return reply is [':', ..] && long.TryParse(reply[1..], out var milliseconds) && milliseconds >= 0 ? TimeSpan.FromMilliseconds(milliseconds) : null;
    }

    public ValueTask DisposeAsync() => new(KillAsync());

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
