using ImmichGateway.Caching;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImmichGateway.Health;

/// <summary>
/// The gateway's own Redis connection (the cache's) answers <c>PING</c> within the cache's Redis timeout. Absent
/// <c>ConnectionStrings:Redis</c>, Redis is "not configured". The connection is opened lazily by the cache; a check
/// before any cache use starts it and waits for it briefly.
/// </summary>
internal sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public const string Name = "redis";
    public const string NotConfigured = "not configured";

    private static readonly TimeSpan ConnectWait = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConfigured)
        {
            return HealthCheckResult.Healthy(NotConfigured);
        }
        if (!await ConnectedAsync(cancellationToken))
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "not connected");
        }
        var latency = await redis.RunAsync<TimeSpan?>("health-ping", async db => await db.PingAsync(), null);
        return latency is null
            ? new HealthCheckResult(context.Registration.FailureStatus, "no answer")
            : HealthCheckResult.Healthy("reachable");
    }

    private async Task<bool> ConnectedAsync(CancellationToken cancellationToken)
    {
        if (redis.IsConnected)
        {
            return true;
        }
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnConnected() => connected.TrySetResult();
        redis.Connected += OnConnected;
        try
        {
            redis.EnsureConnecting();
            if (!redis.IsConnected)
            {
                await connected.Task.WaitAsync(ConnectWait, cancellationToken);
            }
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            redis.Connected -= OnConnected;
        }
    }
}
