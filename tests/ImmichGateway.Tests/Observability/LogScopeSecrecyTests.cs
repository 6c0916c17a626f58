using System.Collections.Concurrent;
using ImmichGateway.Tests.Fixtures;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImmichGateway.Tests.Observability;

/// <summary>
/// The JSON console logs include scopes (request path, HttpClient's "HTTP GET {uri}" …), which the audit tests'
/// log sink does not see: this one records every scope of every event.
/// </summary>
public sealed class LogScopeSecrecyTests
{
    private sealed class ScopeSink : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(ScopeSink sink) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => sink._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var text = new System.Text.StringBuilder(formatter(state, exception));
                sink._scopes.ForEachScope((scope, builder) =>
                {
                    builder.Append(" | ").Append(scope);
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var (key, value) in pairs)
                        {
                            builder.Append(' ').Append(key).Append('=').Append(value);
                        }
                    }
                }, text);
                sink.Lines.Enqueue(text.ToString());
            }
        }
    }

    private sealed class ScopedGateway(ScopeSink sink) : GatewayFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddLogging(logging => logging.AddProvider(sink)));
        }
    }

    [Fact]
    public async Task LogScopes_OfRequestsCarryingKeysInQueries_ContainNoSecret()
    {
        var sink = new ScopeSink();
        await using var gateway = new ScopedGateway(sink);
        await gateway.InitializeAsync();
        var secret = TestUsers.Bob.ImmichKey;
        using var client = gateway.CreateClient(TestUsers.AdaCli);

        foreach (var url in new[]
                 {
                     $"/api/assets/{FakeImmich.AlbumOneAssets[0]}/thumbnail?size=preview&apiKey={secret}&key={secret}",
                     $"/api/server-info/ping?apiKey={secret}", $"/api/albums?apiKey={secret}&sessionKey={secret}",
                     $"/api/assets?size=10&apiKey={secret}",
                 })
        {
            await (await client.GetAsync(url, TestContext.Current.CancellationToken)).Content.LoadIntoBufferAsync(TestContext.Current.CancellationToken);
        }

        Assert.Contains(sink.Lines, l => l.Contains("HTTP GET", StringComparison.Ordinal)); // HttpClient's scope was seen
        Assert.DoesNotContain(sink.Lines, l => l.Contains(secret, StringComparison.Ordinal));
    }
}
