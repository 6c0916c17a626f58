using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using ImmichGateway.Observability;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImmichGateway.Audit;

/// <summary>
/// Writes the audit category (<see cref="AuditExtensions.Category"/>) to stdout as the same JSON lines the JSON
/// console formatter writes, but cheaply enough for one event per request: the request thread only copies the event into a queue,
/// and one background writer formats what is queued and writes it in one <c>write</c> per batch (at most one
/// batch every 20 ms). The console logger
/// formats on the request thread and writes each line in 256-byte pieces — three system calls per request, measured.
/// Levels and filters are the usual <c>Logging</c> settings (the category's level applies here as everywhere).
/// Nothing is dropped: should the queue ever fill, the request writes its own line; what is queued at shutdown is
/// written before the process exits.
/// </summary>
[ProviderAlias("AuditConsole")]
internal sealed class AuditConsoleLoggerProvider : ILoggerProvider
{
    private readonly AuditConsoleLogger _logger;

    public AuditConsoleLoggerProvider() : this(Console.OpenStandardOutput(), Console.Out)
    {
    }

    /// <param name="output">Where lines go.</param>
    /// <param name="outputLock">Held while writing, so that a batch never lands inside another writer's line
    /// (<see cref="Console.Out"/> locks on itself for every write the console logger makes).</param>
    internal AuditConsoleLoggerProvider(Stream output, object outputLock) => _logger = new AuditConsoleLogger(output, outputLock);

    public ILogger CreateLogger(string categoryName) =>
        categoryName == AuditExtensions.Category ? _logger : NullLogger.Instance;

    public void Dispose() => _logger.Dispose();
}

internal sealed class AuditConsoleLogger : ILogger, IDisposable
{
    public const int Capacity = 65_536;
    private const int FlushBytes = 64 * 1024;
    private static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(20);

    private readonly Stream _output;
    private readonly object _outputLock;
    private readonly Channel<AuditLine> _queue = Channel.CreateBounded<AuditLine>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushBytes * 2);
    private readonly Utf8JsonWriter _json;
    private readonly Task _writer;

    public AuditConsoleLogger(Stream output, object outputLock)
    {
        _output = output;
        _outputLock = outputLock;
        _json = new Utf8JsonWriter(_buffer);
        _writer = Task.Run(WriteQueuedAsync);
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var line = new AuditLine(DateTimeOffset.UtcNow, logLevel, eventId, formatter(state, exception), exception, Copy(state));
        if (!_queue.Writer.TryWrite(line))
        {
            WriteNow(line); // full, or shutting down: never lose an event
        }
    }

    private static KeyValuePair<string, object?>[]? Copy<TState>(TState state)
    {
        if (state is not IReadOnlyList<KeyValuePair<string, object?>> properties)
        {
            return null;
        }
        var copy = new KeyValuePair<string, object?>[properties.Count]; // by index: no enumerator to allocate
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = properties[i];
        }
        return copy;
    }

    private async Task WriteQueuedAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            lock (_buffer)
            {
                while (reader.TryRead(out var line))
                {
                    Append(line);
                    if (_buffer.WrittenCount >= FlushBytes)
                    {
                        Flush();
                    }
                }
                Flush();
            }
            // Let the next batch gather: a wake-up per request costs more than the line itself.
            await Task.Delay(BatchInterval).ConfigureAwait(false);
        }
    }

    private void WriteNow(AuditLine line)
    {
        lock (_buffer)
        {
            Append(line);
            Flush();
        }
    }

    /// <summary>The JSON console formatter's shape: Timestamp, EventId, LogLevel, Category, Message, State, Scopes.</summary>
    private void Append(AuditLine line)
    {
        var json = _json;
        json.Reset(_buffer);
        json.WriteStartObject();
        Span<char> timestamp = stackalloc char[32];
        line.Timestamp.UtcDateTime.TryFormat(timestamp, out var length, ObservabilityExtensions.LogTimestampFormat, CultureInfo.InvariantCulture);
        json.WriteString("Timestamp", timestamp[..length]);
        json.WriteNumber("EventId", line.EventId.Id);
        json.WriteString("LogLevel", line.Level.ToString());
        json.WriteString("Category", AuditExtensions.Category);
        json.WriteString("Message", line.Message);
        if (line.Exception is { } exception)
        {
            json.WriteString("Exception", exception.ToString());
        }
        if (line.State is { } properties)
        {
            json.WriteStartObject("State");
            foreach (var (name, value) in properties)
            {
                switch (value)
                {
                    case null: json.WriteNull(name); break;
                    case int number: json.WriteNumber(name, number); break;
                    case long number: json.WriteNumber(name, number); break;
                    case double number: json.WriteNumber(name, number); break;
                    case bool flag: json.WriteBoolean(name, flag); break;
                    default: json.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture)); break;
                }
            }
            json.WriteEndObject();
        }
        json.WriteStartArray("Scopes");
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        _buffer.Write("\n"u8);
    }

    private void Flush()
    {
        if (_buffer.WrittenCount == 0)
        {
            return;
        }
        try
        {
            lock (_outputLock)
            {
                _output.Write(_buffer.WrittenSpan);
                _output.Flush();
            }
        }
        catch (IOException)
        {
            // stdout closed (the collector went away): nothing else can be done with the line
        }
        _buffer.ResetWrittenCount();
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writer.Wait(TimeSpan.FromSeconds(5)); // what was still queued when the host stopped
    }

    /// <summary>
    /// What is kept of an event. The state is copied on the caller's thread: the logging generators may hand out a
    /// pooled state object that is reused as soon as <see cref="Log{TState}"/> returns.
    /// </summary>
    private sealed record AuditLine(DateTimeOffset Timestamp, LogLevel Level, EventId EventId, string Message, Exception? Exception,
        KeyValuePair<string, object?>[]? State);
}
