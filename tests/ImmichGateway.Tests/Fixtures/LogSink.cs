using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ImmichGateway.Tests.Fixtures;

/// <summary>Captures every log event at every level, formatted and structured, so tests can scan them for secrets.</summary>
public sealed class LogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public IReadOnlyCollection<LogEvent> Events => _events;

    public ILogger CreateLogger(string categoryName) => new SinkLogger(this, categoryName);

    public void Dispose()
    {
    }

    public sealed record LogEvent(string Category, LogLevel Level, EventId EventId, string Message, IReadOnlyDictionary<string, string?> State, string? Exception)
    {
        public string AllText => $"{Category} {Message} {string.Join(' ', State.Select(s => $"{s.Key}={s.Value}"))} {Exception}";
    }

    private sealed class SinkLogger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value?.ToString())
                : new Dictionary<string, string?>();
            var message = formatter(state, exception);
            sink._events.Enqueue(new LogEvent(category, logLevel, eventId, message, values, exception?.ToString()));
            NoExceptionEscapesAttribute.Observe(category, logLevel, message, exception?.ToString());
        }
    }
}
