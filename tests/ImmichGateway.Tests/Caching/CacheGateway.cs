using System.Diagnostics.Metrics;
using ImmichGateway.Caching;
using ImmichGateway.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace ImmichGateway.Tests.Caching;

/// <summary>
/// The gateway with its cache on a real redis-server (its own, or one shared with another replica), in front of its
/// own fake Immich, so "what reached Immich" is exactly what the test sent. Keys carry a prefix unique to the test run.
/// </summary>
public class CacheGateway : GatewayFactory
{
    private readonly bool _ownsRedis;
    private MeterListener? _meters;
    private readonly Dictionary<string, long> _measurements = [];

    public CacheGateway() => _ownsRedis = true;

    private CacheGateway(CacheGateway sibling)
    {
        Redis = sibling.Redis;
        Prefix = sibling.Prefix;
    }

    /// <summary>Another replica: same Redis and key prefix as <paramref name="sibling"/>, its own memory and fake Immich.</summary>
    public static CacheGateway ReplicaOf(CacheGateway sibling) => new(sibling);

    public RedisServer Redis { get; private set; } = null!;

    public string Prefix { get; } = $"igw-test-{Guid.NewGuid():N}:";

    /// <summary>False: the gateway starts with its Redis not yet there (<see cref="RedisServer.StartAsync"/> brings it up).</summary>
    public bool RedisUpAtStart { get; init; } = true;

    public override async ValueTask InitializeAsync()
    {
        if (_ownsRedis)
        {
            Redis = RedisUpAtStart ? await RedisServer.StartNewAsync() : RedisServer.OnFreePort();
        }
        Settings["ConnectionStrings:Redis"] = Redis.ConnectionString;
        Settings["Caching:KeyPrefix"] = Prefix;
        // The suite runs many gateways at once on two cores: a starved thread pool must not look like a slow Redis
        // (which would skip Redis for a while). The outage tests set their own timeout.
        Settings.TryAdd("Caching:RedisTimeout", "00:00:02");
        await base.InitializeAsync();
        var redis = Services.GetRequiredService<RedisConnection>();
        redis.EnsureConnecting();
        if (RedisUpAtStart)
        {
            await WaitUntilAsync(() => redis.IsConnected && redis.IsSubscribed, "the gateway never connected to Redis");
        }
    }

    /// <summary>Sends a request; the response (buffered) and every request the fake received meanwhile.</summary>
    public async Task<(HttpResponseMessage Response, IReadOnlyList<SeenRequest> Seen)> SendAsync(TestClient client, HttpRequestMessage request)
    {
        using var http = CreateClient(client);
        var before = Immich.Requests.Count;
        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        await response.Content.LoadIntoBufferAsync(TestContext.Current.CancellationToken);
        return (response, Immich.RequestsSince(before));
    }

    public Task<(HttpResponseMessage Response, IReadOnlyList<SeenRequest> Seen)> GetAsync(TestClient client, string url) =>
        SendAsync(client, new HttpRequestMessage(HttpMethod.Get, url));

    /// <summary>The sum of a counter of the cache's meter (this gateway's only) since the first call.</summary>
    public long Counter(string name)
    {
        if (_meters is null)
        {
            var factory = Services.GetRequiredService<IMeterFactory>();
            _meters = new MeterListener
            {
                InstrumentPublished = (instrument, listener) =>
                {
                    if (instrument.Meter.Name == CacheMetrics.MeterName && instrument.Meter.Scope == factory)
                    {
                        listener.EnableMeasurementEvents(instrument);
                    }
                },
            };
            _meters.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            {
                lock (_measurements)
                {
                    _measurements[instrument.Name] = _measurements.GetValueOrDefault(instrument.Name) + value;
                }
            });
            _meters.Start();
        }
        lock (_measurements)
        {
            return _measurements.GetValueOrDefault(name);
        }
    }

    /// <summary>Polls a condition (Redis writes and pub/sub messages are asynchronous), for at most ten seconds.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// Returns once every Redis command the gateway has sent so far has been answered to it (a key seen in Redis may
    /// still have its reply on the way): a PING on the gateway's own connection, whose replies come in order.
    /// </summary>
    public Task RedisAnsweredAsync() =>
        Services.GetRequiredService<RedisConnection>().RunAsync("test-ping", db => db.PingAsync(), TimeSpan.Zero);

    /// <summary>How many image keys Redis holds for the asset (every size and format).</summary>
    public Task<int> ImageKeysAsync(string asset) => Redis.CountKeysAsync($"{Prefix}img:{Guid.Parse(asset):N}:*");

    public override async ValueTask DisposeAsync()
    {
        _meters?.Dispose();
        await base.DisposeAsync();
        if (_ownsRedis && Redis is not null)
        {
            await Redis.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }
}

public static class CacheResponses
{
    public static string? XCache(this HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Cache", out var values) ? string.Join(",", values) : null;

    public static Task<byte[]> BytesAsync(this HttpResponseMessage response) =>
        response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

    /// <summary>A header as it was sent (HttpClient would re-format a Cache-Control it parsed).</summary>
    public static string? Raw(this HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) || response.Content.Headers.NonValidated.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;

    /// <summary>Requests for thumbnails (any asset) among those the fake saw.</summary>
    public static IReadOnlyList<SeenRequest> Thumbnails(this IReadOnlyList<SeenRequest> seen) =>
        seen.Where(s => s.Path.EndsWith("/thumbnail", StringComparison.Ordinal)).ToList();
}

/// <summary>Cache tests that share one gateway and one redis-server; each test uses its own assets.</summary>
[CollectionDefinition(Name)]
public sealed class CacheCollection : ICollectionFixture<CacheGateway>
{
    public const string Name = "Cache";
}
