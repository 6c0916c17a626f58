using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ImmichGateway.Tests.Caching;

/// <summary>
/// A <see cref="CacheGateway"/> on a <see cref="FakeTimeProvider"/>: the gateway's <see cref="TimeProvider"/> (access
/// records, the image memory tier, HybridCache's timestamps in Redis) and the clock of the memory cache HybridCache
/// keeps its first tier in. Lifetimes pass when the test says so, without waiting. Redis' own expiries still run on
/// real time: read them with <see cref="RedisServer.TimeToLiveAsync"/>. The Immich client's resilience pipeline takes
/// the same clock, so a retry (after a 5xx or a failed connection) would wait until the test advances time: these
/// tests need an Immich that answers.
/// </summary>
public sealed class TimedCacheGateway : CacheGateway
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            services.Configure<MemoryCacheOptions>(options => options.Clock = new Clock(Time));
        });
    }

    private sealed class Clock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
}
