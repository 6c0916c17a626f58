using System.Diagnostics;
using System.Net;
using System.Text;
using ImmichGateway.Caching;
using ImmichGateway.Health;
using ImmichGateway.Tests.Caching;
using ImmichGateway.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Instrumentation.StackExchangeRedis;

namespace ImmichGateway.Tests.Observability;

/// <summary>
/// Redis spans of the cache's connection, against a real redis-server. The span listener is process-wide, so spans of
/// other gateways arrive too: Redis spans are told apart by their server port (each test has its own redis-server).
/// </summary>
public sealed class RedisTracingTests
{
    private const string RedisSource = "OpenTelemetry.Instrumentation.StackExchangeRedis";
    private const string ThumbnailRoute = "/api/assets/{id:uuid}/thumbnail";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThumbnailMiss_WithTracing_RecordsItsRedisCommandsAsChildSpansOfTheRequest()
    {
        var gateway = new TracedCacheGateway();
        await gateway.InitializeAsync();
        var asset = gateway.Immich.AddAlbum(1, TestUsers.Alice).Assets[0]["id"]!.GetValue<string>();

        var (miss, _) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");
        await CacheGateway.WaitUntilAsync(async () => await gateway.ImageKeysAsync(asset) > 0, "the thumbnail was never stored in Redis");
        await gateway.RedisAnsweredAsync(); // the write's reply reached the gateway: its span is complete
        await gateway.DisposeAsync(); // the instrumentation makes its spans on a background thread: disposing flushes them

        Assert.Equal((HttpStatusCode.OK, "miss"), (miss.StatusCode, miss.XCache()));
        var request = Assert.Single(gateway.Spans, s => s.Source.Name == "Microsoft.AspNetCore"
            && s.GetTagItem("http.route") as string == ThumbnailRoute && s.GetTagItem("url.path") as string == $"/api/assets/{asset}/thumbnail");
        var redis = RedisSpans(gateway).Where(s => s.TraceId == request.TraceId).ToList();
        Assert.Contains(redis, s => s.DisplayName == "GET");                       // the image looked up…
        Assert.Contains(redis, s => s.DisplayName is "SET" or "SETEX");            // …and stored
        Assert.All(redis, s =>
        {
            Assert.Equal(request.SpanId, s.ParentSpanId);
            Assert.Equal(ActivityKind.Client, s.Kind);
            Assert.Equal("redis", s.GetTagItem("db.system") ?? s.GetTagItem("db.system.name"));
            Assert.Equal(s.DisplayName, s.GetTagItem("db.statement") ?? s.GetTagItem("db.query.text"));
        });
    }

    [Fact]
    public async Task Spans_OfCachedThumbnailsStatisticsAndEvictions_CarryNoKeyUserHashOrRedisKey()
    {
        var gateway = new TracedCacheGateway();
        await gateway.InitializeAsync();
        var album = gateway.Immich.AddAlbum(1, TestUsers.Alice, true, (TestUsers.Bob, "viewer"));
        var asset = album.Assets[0]["id"]!.GetValue<string>();

        foreach (var client in new[] { TestUsers.AliceKiosk, TestUsers.AlicePhone, TestUsers.BobFrame })
        {
            await gateway.GetAsync(client, $"/api/assets/{asset}/thumbnail");                // images and access records
            await gateway.GetAsync(client, $"/api/assets/{asset}/thumbnail?size=preview&format=webp");
        }
        await gateway.GetAsync(TestUsers.AdaCli, "/api/server/statistics");                  // admin status, by user hash
        await gateway.GetAsync(TestUsers.AdaCli, "/api/server/features");
        using var favorite = new HttpRequestMessage(HttpMethod.Put, $"/api/assets/{asset}")
        {
            Content = new StringContent("""{"isFavorite":true}""", Encoding.UTF8, "application/json"),
        };
        await gateway.SendAsync(TestUsers.AliceKiosk, favorite);                                // eviction and its message
        await CacheGateway.WaitUntilAsync(async () => await gateway.ImageKeysAsync(asset) == 0, "the images were never evicted");
        await gateway.RedisAnsweredAsync(); // the background writes (access records) have their spans
        await gateway.DisposeAsync();

        var spans = gateway.Spans.ToList();
        Assert.Contains(spans, s => s.Source.Name == RedisSource && s.DisplayName == "HSET"); // access records were traced
        var secrets = TestUsers.AllSecrets
            .Concat(TestUsers.ImmichUsers.Select(u => CacheKeys.UserHash(u.ImmichKey)))
            .Append(gateway.Prefix) // every Redis key and the invalidation channel start with it
            .ToList();
        SpanAssert.CarryNone(spans, secrets);
    }

    [Fact]
    public async Task RedisHealthPing_OutsideARequest_IsNotTraced()
    {
        var gateway = new TracedCacheGateway();
        await gateway.InitializeAsync();
        var asset = gateway.Immich.AddAlbum(1, TestUsers.Alice).Assets[0]["id"]!.GetValue<string>();

        var report = await gateway.Services.GetRequiredService<DependencyStatus>().GetAsync(Cancel); // as the OTLP poller does
        await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");
        await gateway.DisposeAsync();

        Assert.Equal("reachable", report.Entries[RedisHealthCheck.Name].Description);
        var redis = RedisSpans(gateway);
        Assert.Contains(redis, s => s.DisplayName == "GET"); // the connection is traced…
        Assert.DoesNotContain(redis, s => s.DisplayName == "PING"); // …but not its health check
    }

    [Fact]
    public async Task RedisConnection_WithTracingOff_IsNotInstrumented()
    {
        await using var gateway = new CacheGateway();
        gateway.Settings["Gateway:Telemetry:Tracing"] = "false";
        await gateway.InitializeAsync();
        var asset = gateway.Immich.AddAlbum(1, TestUsers.Alice).Assets[0]["id"]!.GetValue<string>();

        var (miss, _) = await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");

        Assert.Equal("miss", miss.XCache());
        await CacheGateway.WaitUntilAsync(async () => await gateway.ImageKeysAsync(asset) > 0, "the thumbnail was never stored in Redis");
        Assert.Null(gateway.Services.GetService<StackExchangeRedisInstrumentation>()); // no profiler, no drain thread
    }

    private static List<Activity> RedisSpans(TracedCacheGateway gateway) =>
        gateway.Spans.Where(s => s.Source.Name == RedisSource && s.GetTagItem("server.port") is int port && port == gateway.Redis.Port).ToList();
}
