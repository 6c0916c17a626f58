using System.Text;
using System.Text.Json;
using ImmichGateway.Audit;
using ImmichGateway.Tests.Fixtures;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace ImmichGateway.Tests.Audit;

/// <summary>The audit category's own console writer: the JSON console's lines, queued and written in batches.</summary>
public sealed partial class AuditConsoleLoggerTests
{
    /// <summary>Records every write; the first one can be held until the test lets it go.</summary>
    private sealed class RecordingStream(bool holdFirstWrite = false) : Stream
    {
        private readonly ManualResetEventSlim _release = new(!holdFirstWrite);
        private readonly MemoryStream _written = new();

        public ManualResetEventSlim FirstWriteStarted { get; } = new();
        public int Writes { get; private set; }

        public void Release() => _release.Set();

        public string[] Lines()
        {
            lock (_written)
            {
                return Encoding.UTF8.GetString(_written.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            }
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            FirstWriteStarted.Set();
            _release.Wait(TimeSpan.FromSeconds(10));
            lock (_written)
            {
                Writes++;
                _written.Write(buffer);
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Flush() { }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    [Fact]
    public void AuditEvents_AreTheJsonConsoleLines_WithTypedState()
    {
        var output = new RecordingStream();
        using (var provider = new AuditConsoleLoggerProvider(new AuditOutput(output, new object())))
        {
            var logger = provider.CreateLogger(AuditExtensions.Category);
            AuditLog.Request(logger, "GET", "/api/albums", "alice", "kiosk", 200, 1.5);
            AuditLog.Request(logger, "PUT", "/api/assets", "bob", "phone", 403, 0.25, AuditOutcome.Aborted);
        } // disposing writes what is still queued

        var lines = output.Lines().Select(line => JsonDocument.Parse(line).RootElement).ToArray();
        Assert.Equal(2, lines.Length);
        var first = lines[0];
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", first.GetProperty("Timestamp").GetString());
        Assert.Equal(6001, first.GetProperty("EventId").GetInt32());
        Assert.Equal("Information", first.GetProperty("LogLevel").GetString());
        Assert.Equal(AuditExtensions.Category, first.GetProperty("Category").GetString());
        Assert.Equal("GET /api/albums by alice/kiosk answered 200 in 1.5 ms (complete)", first.GetProperty("Message").GetString());
        var state = first.GetProperty("State");
        Assert.Equal("alice", state.GetProperty("User").GetString());
        Assert.Equal("kiosk", state.GetProperty("Client").GetString());
        Assert.Equal(JsonValueKind.Number, state.GetProperty("StatusCode").ValueKind);
        Assert.Equal(200, state.GetProperty("StatusCode").GetInt32());
        Assert.Equal(1.5, state.GetProperty("ElapsedMs").GetDouble());
        Assert.Equal("complete", state.GetProperty("Outcome").GetString());
        Assert.Equal(0, first.GetProperty("Scopes").GetArrayLength());
        Assert.Equal(403, lines[1].GetProperty("State").GetProperty("StatusCode").GetInt32());
        Assert.Equal("aborted", lines[1].GetProperty("State").GetProperty("Outcome").GetString());
        Assert.Equal("PUT /api/assets by bob/phone answered 403 in 0.25 ms (aborted)", lines[1].GetProperty("Message").GetString());
    }

    /// <summary>The same event as the logging generator writes it (its own state type, read by the generic path).</summary>
    [LoggerMessage(6001, LogLevel.Information, AuditLog.Template)]
    private static partial void GenericAuditEvent(ILogger logger, string method, string path, string user, string client, int statusCode,
        double elapsedMs, string outcome);

    [Fact]
    public void TheRequestEventsTypedState_WritesTheSameLineAsAnyOtherState()
    {
        var output = new RecordingStream();
        var longPath = "/api/" + new string('a', 5_000); // longer than the writer's message buffer
        using (var provider = new AuditConsoleLoggerProvider(new AuditOutput(output, new object())))
        {
            var logger = provider.CreateLogger(AuditExtensions.Category);
            foreach (var (path, outcome) in new[] { ("/api/albums/\"quoted\"+ü", AuditOutcome.Complete), (longPath, AuditOutcome.Complete),
                         ("/api/albums", AuditOutcome.Aborted) })
            {
                AuditLog.Request(logger, "GET", path, "alice", "kiosk", 200, 0.1234, outcome);    // the typed fast path
                GenericAuditEvent(logger, "GET", path, "alice", "kiosk", 200, 0.1234, outcome); // the generic path: message and copied state
            }
        }

        var lines = output.Lines().Select(WithoutTimestamp).ToArray();
        Assert.Equal(6, lines.Length);
        Assert.Equal(lines[1], lines[0]);
        Assert.Equal(lines[3], lines[2]);
        Assert.Equal(lines[5], lines[4]);
        Assert.Contains("by alice/kiosk answered 200 in 0.1234 ms (complete)", lines[0]);
        Assert.Contains(new string('a', 5_000) + " by alice/kiosk", lines[2]);
        Assert.Contains("by alice/kiosk answered 200 in 0.1234 ms (aborted)\",", lines[4]);
        Assert.Contains("\"Outcome\":\"aborted\"", lines[4]);

        // The generator's state lists more than six values last to first: the properties are compared by name.
        static string WithoutTimestamp(string line)
        {
            var json = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
            Assert.True(json.Remove("Timestamp"));
            var state = json["State"]!.AsObject();
            var byName = new System.Text.Json.Nodes.JsonObject(state.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
            json["State"] = byName;
            return json.ToJsonString();
        }
    }

    [Fact]
    public void TheRequestEventsState_ReadsAsTheGeneratorsPropertyList()
    {
        var entry = new AuditEntry("PUT", "/api/assets", "bob", "phone", 403, 0.25, AuditOutcome.Aborted);

        Assert.Equal(["Method", "Path", "User", "Client", "StatusCode", "ElapsedMs", "Outcome", "{OriginalFormat}"], entry.Select(p => p.Key));
        Assert.Equal(["PUT", "/api/assets", "bob", "phone", 403, 0.25, "aborted", AuditLog.Template], entry.Select(p => p.Value));
        Assert.Equal("PUT /api/assets by bob/phone answered 403 in 0.25 ms (aborted)", AuditEntry.Format(entry, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => entry[8]);
    }

    [Fact]
    public void EventsQueuedWhileAWriteIsSlow_AreWrittenTogether_NoneLost()
    {
        var output = new RecordingStream(holdFirstWrite: true);
        const int events = 1_000;
        using (var provider = new AuditConsoleLoggerProvider(new AuditOutput(output, new object())))
        {
            var logger = provider.CreateLogger(AuditExtensions.Category);
            AuditLog.Request(logger, "GET", "/api/first", "alice", "kiosk", 200, 1);
            Assert.True(output.FirstWriteStarted.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken), "the writer never wrote");
            for (var i = 1; i < events; i++)
            {
                AuditLog.Request(logger, "GET", $"/api/{i}", "alice", "kiosk", 200, 1); // the request thread never waits
            }
            output.Release();
        }

        var lines = output.Lines();
        Assert.Equal(events, lines.Length);
        Assert.Equal(Enumerable.Range(1, events - 1).Select(i => $"/api/{i}"),
            lines.Skip(1).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("State").GetProperty("Path").GetString()));
        // ~250 KB of lines behind the held write: a handful of 64 KB writes, not one per event.
        Assert.InRange(output.Writes, 2, 10);
    }

    [Fact]
    public async Task WhenTheQueueIsFull_TheLoggingThreadWritesItsOwnLine_NoneLost()
    {
        var output = new RecordingStream(holdFirstWrite: true);
        const int capacity = 4, events = 12;
        using (var provider = new AuditConsoleLoggerProvider(new AuditOutput(output, new object()), capacity))
        {
            var logger = provider.CreateLogger(AuditExtensions.Category);
            AuditLog.Request(logger, "GET", "/api/0", "alice", "kiosk", 200, 1);
            Assert.True(output.FirstWriteStarted.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken), "the writer never wrote");

            // The writer is stuck in a write: four events fill the queue, the rest must be written by their own thread.
            var logging = Task.Run(() =>
            {
                for (var i = 1; i < events; i++)
                {
                    AuditLog.Request(logger, "GET", $"/api/{i}", "alice", "kiosk", 200, 1);
                }
            }, TestContext.Current.CancellationToken);
            Assert.True(SpinWait.SpinUntil(() => provider.Queued == capacity, TimeSpan.FromSeconds(10)), "the queue never filled");
            Assert.False(logging.IsCompleted); // the fifth event waits for the stuck writer: it is not dropped
            output.Release();
            await logging;
        }

        var paths = output.Lines().Select(line => JsonDocument.Parse(line).RootElement.GetProperty("State").GetProperty("Path").GetString());
        Assert.Equal(Enumerable.Range(0, events).Select(i => $"/api/{i}").Order(), paths.Order());
    }

    private sealed class ThrowingToString
    {
        public override string ToString() => throw new FormatException("no text for this value");
    }

    [Fact]
    public void AnEventThatCannotBeFormatted_IsReplacedByALineSayingSo_AndTheWriterGoesOn()
    {
        var output = new RecordingStream();
        using (var provider = new AuditConsoleLoggerProvider(new AuditOutput(output, new object())))
        {
            var logger = provider.CreateLogger(AuditExtensions.Category);
            AuditLog.Request(logger, "GET", "/api/before", "alice", "kiosk", 200, 1);
            KeyValuePair<string, object?>[] state = [new("Fine", "text"), new("Broken", new ThrowingToString())];
            logger.Log(LogLevel.Warning, new EventId(6999), state, null, (_, _) => "a broken event");
            AuditLog.Request(logger, "GET", "/api/after", "alice", "kiosk", 200, 1);
        }

        var lines = output.Lines().Select(line => JsonDocument.Parse(line).RootElement).ToArray(); // every line whole
        Assert.Equal(3, lines.Length);
        Assert.Equal("/api/before", lines[0].GetProperty("State").GetProperty("Path").GetString());
        Assert.Equal(6999, lines[1].GetProperty("EventId").GetInt32());
        Assert.Equal("Warning", lines[1].GetProperty("LogLevel").GetString());
        Assert.Equal("This event could not be written: formatting it threw FormatException.", lines[1].GetProperty("Message").GetString());
        Assert.Equal("/api/after", lines[2].GetProperty("State").GetProperty("Path").GetString());
    }

    [Fact]
    public void Outside_Tests_LinesGoToTheProcesssStandardOutput_UnderConsoleOutsLock()
    {
        var output = AuditOutput.StandardOutput();

        Assert.Same(Console.Out, output.Lock);
        Assert.True(output.Stream.CanWrite);
    }

    [Fact]
    public void OtherCategories_AreNotItsBusiness()
    {
        using var provider = new AuditConsoleLoggerProvider(new AuditOutput(new RecordingStream(), new object()));

        Assert.Same(NullLogger.Instance, provider.CreateLogger("ImmichGateway.Proxy.ProxyMetrics"));
    }

    private sealed class DevelopmentGateway : GatewayFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Development");
        }
    }

    [Fact]
    public async Task WhereConsoleLogsAreJson_TheAuditWriterReplacesTheConsoleLogger_ForTheAuditCategoryOnly()
    {
        await using var gateway = new GatewayFactory(); // environment "Testing": JSON console logs
        await gateway.InitializeAsync();

        Assert.Contains(gateway.Services.GetServices<ILoggerProvider>(), provider => provider is AuditConsoleLoggerProvider);
        Assert.Same(Stream.Null, gateway.Services.GetRequiredService<AuditOutput>().Stream); // the factory's: stdout is the test runner's
        var rules = gateway.Services.GetRequiredService<IOptions<LoggerFilterOptions>>().Value.Rules;
        var consoleRule = Assert.Single(rules, rule => rule.ProviderName == typeof(ConsoleLoggerProvider).FullName && rule.CategoryName == AuditExtensions.Category);
        Assert.Equal(LogLevel.None, consoleRule.LogLevel);
    }

    [Fact]
    public async Task InDevelopment_TheAuditGoesToTheReadableConsole()
    {
        await using var gateway = new DevelopmentGateway();
        await gateway.InitializeAsync();

        Assert.DoesNotContain(gateway.Services.GetServices<ILoggerProvider>(), provider => provider is AuditConsoleLoggerProvider);
    }
}
