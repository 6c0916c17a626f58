using System.Diagnostics;
using Microsoft.Extensions.Options;
using OpenTelemetry.Instrumentation.StackExchangeRedis;
using StackExchange.Redis;

namespace ImmichGateway.Caching;

/// <summary>
/// The gateway's one Redis connection (absent when <c>ConnectionStrings:Redis</c> is). Every operation goes through
/// <see cref="RunAsync{T}"/>: bounded by <see cref="CachingOptions.RedisTimeout"/>, never thrown to the caller (a failure
/// is a cache miss, counted and logged), skipped at once while Redis is disconnected or backing off after a timeout.
/// It connects in the background on first use, so a down Redis delays neither start-up nor a request, and reconnects
/// by itself.
/// Invalidations travel on a pub/sub channel, so every replica drops its in-memory copies.
/// With tracing on, the connection is handed to the Redis instrumentation as soon as it exists.
/// </summary>
internal sealed class RedisConnection : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    /// <summary>How long after a failed connection attempt the next one starts.</summary>
    private static readonly TimeSpan ReconnectInterval = TimeSpan.FromSeconds(1);

    private readonly string? _connectionString;
    private readonly CachingOptions _options;
    private readonly CacheMetrics _metrics;
    private readonly ILogger<RedisConnection> _logger;
    private readonly StackExchangeRedisInstrumentation? _tracing;
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly RedisChannel _channel;
    private ConnectionMultiplexer? _multiplexer;
    private long _skipUntil;
    private long _nextLog;
    private int _connecting;
    private int _subscribed; // 0 not yet, 1 subscribing, 2 subscribed
    private readonly CancellationTokenSource _disposed = new();

    /// <param name="tracing">
    /// Registered only while tracing is on (<c>AddObservability</c>). The instrumentation finds a multiplexer in DI
    /// only at start-up, and this one is made later, in the background: it is added here when it is made.
    /// </param>
    public RedisConnection(IConfiguration configuration, IOptions<CachingOptions> options, CacheMetrics metrics, ILogger<RedisConnection> logger,
        StackExchangeRedisInstrumentation? tracing = null)
    {
        _connectionString = configuration.GetConnectionString(CachingOptions.RedisConnectionName);
        if (string.IsNullOrWhiteSpace(_connectionString))
        {
            _connectionString = null;
        }
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
        _tracing = tracing;
        _channel = RedisChannel.Literal(_options.KeyPrefix + CacheKeys.InvalidationChannel);
    }

    public bool IsConfigured => _connectionString is not null;

    public bool IsConnected => _multiplexer?.IsConnected == true;

    /// <summary>Other replicas' invalidations reach this one (its subscription to their channel is in place).</summary>
    public bool IsSubscribed => Volatile.Read(ref _subscribed) == 2;

    /// <summary>An invalidation published by another replica (the payload <see cref="PublishAsync"/> was given).</summary>
    public event Action<string>? MessageReceived;

    /// <summary>Redis is reachable again (or for the first time).</summary>
    public event Action? Connected;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_connectionString is null)
        {
            CachingLog.InMemoryOnly(_logger);
            return Task.CompletedTask;
        }
        return Task.CompletedTask; // connected on first use, in the background: Redis down at start-up must not hold the gateway
    }

    /// <summary>Starts connecting (once), without waiting; operations are skipped until Redis answers.</summary>
    public void EnsureConnecting()
    {
        if (_connectionString is not null && Interlocked.Exchange(ref _connecting, 1) == 0)
        {
            _ = ConnectAsync();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task ConnectAsync()
    {
        var configuration = ConfigurationOptions.Parse(_connectionString!);
        var timeout = (int)Math.Ceiling(_options.RedisTimeout.TotalMilliseconds);
        configuration.AbortOnConnectFail = false;              // keep trying in the background
        configuration.BacklogPolicy = BacklogPolicy.FailFast;  // while disconnected, fail at once instead of queueing
        configuration.AsyncTimeout = timeout;
        configuration.SyncTimeout = timeout;
        configuration.ConnectTimeout = Math.Max(timeout, 1000);
        configuration.ReconnectRetryPolicy = new LinearRetry(500);
        configuration.ClientName ??= "immich-gateway";
        ConnectionMultiplexer multiplexer;
        while (true)
        {
            try
            {
                // Returns disconnected when Redis is not there yet (AbortOnConnectFail = false) and reconnects by
                // itself from then on; a throw is rarer, and is logged and tried again here (nothing else would see it).
                multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration);
                break;
            }
            catch (Exception ex)
            {
                Failed("connect", ex);
                try
                {
                    await Task.Delay(ReconnectInterval, _disposed.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
        _tracing?.AddConnection(multiplexer); // before any command of ours; disposed with the tracer provider
        multiplexer.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive && ShouldLog())
            {
                CachingLog.RedisConnectionLost(_logger, e.FailureType.ToString());
            }
        };
        multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                _ = OnConnectedAsync(multiplexer, e.EndPoint?.ToString() ?? "?");
            }
        };
        _multiplexer = multiplexer;
        if (multiplexer.IsConnected)
        {
            await OnConnectedAsync(multiplexer, string.Join(",", multiplexer.GetEndPoints().Select(e => e.ToString())));
        }
    }

    /// <summary>
    /// Redis answers (for the first time, or again). The invalidation channel is subscribed to once (Redis' client
    /// renews the subscription after every reconnection), here rather than at connect time: a first connection made
    /// after start-up (Redis was down then, or slow to answer) could not have subscribed then.
    /// </summary>
    private Task OnConnectedAsync(ConnectionMultiplexer multiplexer, string endPoint)
    {
        CachingLog.RedisConnected(_logger, endPoint);
        var subscribing = Interlocked.Exchange(ref _subscribed, 1) == 0 ? SubscribeAsync(multiplexer) : Task.CompletedTask;
        Connected?.Invoke();
        return subscribing;
    }

    /// <summary>Subscribes to the invalidation channel, trying again every <see cref="ReconnectInterval"/> until it works.</summary>
    private async Task SubscribeAsync(ConnectionMultiplexer multiplexer)
    {
        while (true)
        {
            try
            {
                await multiplexer.GetSubscriber().SubscribeAsync(_channel, (_, message) => OnMessage(message));
                Volatile.Write(ref _subscribed, 2);
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
            {
                Failed("subscribe", ex);
            }
            try
            {
                await Task.Delay(ReconnectInterval, _disposed.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void OnMessage(RedisValue message)
    {
        var text = (string?)message ?? "";
        var separator = text.IndexOf('|');
        if (separator > 0 && text.AsSpan(0, separator).SequenceEqual(_instance))
        {
            return; // our own: already applied
        }
        MessageReceived?.Invoke(separator >= 0 ? text[(separator + 1)..] : text);
    }

    /// <summary>Runs one Redis operation within the timeout; on any failure returns <paramref name="fallback"/>.</summary>
    public async Task<T> RunAsync<T>(string operation, Func<IDatabase, Task<T>> action, T fallback)
    {
        var multiplexer = _multiplexer;
        if (multiplexer is null)
        {
            EnsureConnecting();
            return fallback;
        }
        if (Stopwatch.GetTimestamp() < Volatile.Read(ref _skipUntil))
        {
            return fallback;
        }
        if (!multiplexer.IsConnected)
        {
            _metrics.RedisError(operation);
            return fallback;
        }
        try
        {
            return await action(multiplexer.GetDatabase()).WaitAsync(_options.RedisTimeout);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            if (ex is TimeoutException or RedisTimeoutException)
            {
                // A hung Redis answers nothing: leave it alone for a moment so no request waits for it again.
                Volatile.Write(ref _skipUntil, Stopwatch.GetTimestamp() + (long)(_options.RedisBackoff.TotalSeconds * Stopwatch.Frequency));
            }
            Failed(operation, ex);
            return fallback;
        }
    }

    public Task RunAsync(string operation, Func<IDatabase, Task> action) =>
        RunAsync(operation, async db =>
        {
            await action(db);
            return true;
        }, false);

    /// <summary>Tells every other replica (their in-memory tiers) about an invalidation.</summary>
    public Task PublishAsync(string message) =>
        RunAsync("publish", db => db.Multiplexer.GetSubscriber().PublishAsync(_channel, _instance + "|" + message));

    private void Failed(string operation, Exception ex)
    {
        _metrics.RedisError(operation);
        if (ShouldLog())
        {
            CachingLog.RedisFailed(_logger, operation, ex.GetType().Name);
        }
    }

    /// <summary>At most one Redis warning every <see cref="LogInterval"/>: an outage must not flood the logs.</summary>
    private bool ShouldLog()
    {
        var now = Stopwatch.GetTimestamp();
        var next = Volatile.Read(ref _nextLog);
        return now >= next && Interlocked.CompareExchange(ref _nextLog, now + (long)(LogInterval.TotalSeconds * Stopwatch.Frequency), next) == next;
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync(); // not disposed: the container and the host may both dispose this
        if (_multiplexer is { } multiplexer)
        {
            await multiplexer.DisposeAsync();
        }
    }
}
