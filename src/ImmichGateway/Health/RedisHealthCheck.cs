using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImmichGateway.Health;

/// <summary>
/// Redis answers <c>PING</c>: a TCP connection (TLS with <c>ssl=true</c>), <c>AUTH</c> when the connection string
/// has a password, then <c>PING</c>, in RESP, with no Redis client library. Reads <c>ConnectionStrings:Redis</c> in
/// StackExchange.Redis' format (<c>host:port,password=…,ssl=true</c>); absent, Redis is "not configured".
/// When the gateway gets a Redis client (the caching feature), ping through that client instead.
/// </summary>
internal sealed class RedisHealthCheck(IConfiguration configuration) : IHealthCheck
{
    public const string Name = "redis";
    public const string ConnectionStringName = "Redis";
    public const string NotConfigured = "not configured";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return HealthCheckResult.Healthy(NotConfigured);
        }

        var target = RedisTarget.Parse(connectionString);
        if (target is null)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "connection string has no endpoint");
        }
        try
        {
            var reply = await PingAsync(target, cancellationToken);
            return reply.StartsWith("+PONG", StringComparison.Ordinal)
                ? HealthCheckResult.Healthy("reachable")
                : new HealthCheckResult(context.Registration.FailureStatus, reply.StartsWith("-NOAUTH", StringComparison.Ordinal) || reply.StartsWith("-WRONGPASS", StringComparison.Ordinal)
                    ? "refused the credentials"
                    : "answered an error");
        }
        catch (Exception ex) when (ex is SocketException or IOException or AuthenticationException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "unreachable");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "timed out");
        }
    }

    private static async Task<string> PingAsync(RedisTarget target, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(target.Host, target.Port, cancellationToken);
        Stream stream = tcp.GetStream();
        if (target.Ssl)
        {
            var tls = new SslStream(stream);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = target.SslHost ?? target.Host }, cancellationToken);
            stream = tls;
        }
        await using (stream)
        {
            if (target.Password is not null)
            {
                string[] auth = target.User is null ? ["AUTH", target.Password] : ["AUTH", target.User, target.Password];
                var authReply = await SendAsync(stream, auth, cancellationToken);
                if (!authReply.StartsWith('+'))
                {
                    return authReply;
                }
            }
            return await SendAsync(stream, ["PING"], cancellationToken);
        }
    }

    /// <summary>Sends one command as a RESP array of bulk strings and reads the first line of the reply.</summary>
    private static async Task<string> SendAsync(Stream stream, string[] command, CancellationToken cancellationToken)
    {
        var request = new StringBuilder($"*{command.Length}\r\n");
        foreach (var part in command)
        {
            request.Append($"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
        }
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), cancellationToken);
        await stream.FlushAsync(cancellationToken);

        var line = new StringBuilder();
        var buffer = new byte[1];
        while (line.Length < 256 && await stream.ReadAsync(buffer, cancellationToken) == 1 && buffer[0] != (byte)'\n')
        {
            line.Append((char)buffer[0]);
        }
        return line.ToString().TrimEnd('\r');
    }

    /// <summary>The parts of a StackExchange.Redis connection string a PING needs.</summary>
    internal sealed record RedisTarget(string Host, int Port, bool Ssl, string? SslHost, string? User, string? Password)
    {
        public static RedisTarget? Parse(string connectionString)
        {
            string? endpoint = null, user = null, password = null, sslHost = null;
            var ssl = false;
            foreach (var part in connectionString.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = part.IndexOf('=');
                if (equals < 0)
                {
                    endpoint ??= part;
                    continue;
                }
                var value = part[(equals + 1)..];
                switch (part[..equals].Trim().ToLowerInvariant())
                {
                    case "password": password = value; break;
                    case "user": user = value; break;
                    case "ssl": ssl = bool.TryParse(value, out var on) && on; break;
                    case "sslhost": sslHost = value; break;
                }
            }
            if (endpoint is null)
            {
                return null;
            }

            var defaultPort = ssl ? 6380 : 6379;
            var colon = endpoint.LastIndexOf(':');
            if (colon > 0 && !endpoint.EndsWith(']') && int.TryParse(endpoint[(colon + 1)..], out var port))
            {
                return new(endpoint[..colon].Trim('[', ']'), port, ssl, sslHost, user, password);
            }
            return new(endpoint.Trim('[', ']'), defaultPort, ssl, sslHost, user, password);
        }
    }
}
