using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
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

    /// <param name="output">Where lines go.</param>
    /// <param name="capacity">Events queued at most; past it, the logging thread writes its own line.</param>
    public AuditConsoleLoggerProvider(AuditOutput output, int capacity = AuditConsoleLogger.Capacity) =>
        _logger = new AuditConsoleLogger(output, capacity);

    /// <summary>Events waiting for the writer.</summary>
    internal int Queued => _logger.Queued;

    public ILogger CreateLogger(string categoryName) =>
        categoryName == AuditExtensions.Category ? _logger : NullLogger.Instance;

    public void Dispose() => _logger.Dispose();
}

/// <summary>
/// Where the audit writer's lines go: the process's standard output, written to directly. A host that shares stdout
/// with something else registers its own (the tests do: results went missing while it wrote to the test process's
/// stdout).
/// </summary>
/// <param name="Lock">Held while writing, so that a batch never lands inside another writer's line
/// (<see cref="Console.Out"/> locks on itself for every write the console logger makes).</param>
internal sealed record AuditOutput(Stream Stream, object Lock)
{
    public static AuditOutput StandardOutput() => new(Console.OpenStandardOutput(), Console.Out);
}

internal sealed class AuditConsoleLogger : ILogger, IDisposable
{
    public const int Capacity = 65_536;
    private const int FlushBytes = 64 * 1024;
    private static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(20);

    private readonly AuditOutput _output;
    // Unbounded, so that queuing takes no lock (every request thread queues); the bound is the counter below.
    private readonly Channel<AuditLine> _queue = Channel.CreateUnbounded<AuditLine>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int _capacity;
    private int _queued;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushBytes * 2);
    private readonly Utf8JsonWriter _json;
    private readonly char[] _message = new char[4096]; // the writer's: formatting a message allocates nothing
    private readonly Thread _writer;

    public AuditConsoleLogger(AuditOutput output, int capacity = Capacity)
    {
        _capacity = capacity;
        _output = output;
        _json = new Utf8JsonWriter(_buffer);
        // A thread of its own, as the console logger's: formatting and writing a batch (a fraction of a millisecond
        // every 20 ms under load) never holds one of the thread pool's few threads away from requests.
        _writer = new Thread(WriteQueued) { IsBackground = true, Name = "Audit log writer" };
        _writer.Start();
    }

    public int Queued => Volatile.Read(ref _queued);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var line = typeof(TState) == typeof(AuditEntry)
            ? new AuditLine(DateTime.UtcNow, logLevel, eventId, Unsafe.As<TState, AuditEntry>(ref state), null, exception, null) // the request's event: queued as it is
            : new AuditLine(DateTime.UtcNow, logLevel, eventId, null, formatter(state, exception), exception, Copy(state));
        if (Interlocked.Increment(ref _queued) > _capacity || !_queue.Writer.TryWrite(line))
        {
            Interlocked.Decrement(ref _queued);
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

    private void WriteQueued()
    {
        var reader = _queue.Reader;
        // Blocking is what this thread is for: it holds up nothing else.
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            lock (_buffer)
            {
                while (reader.TryRead(out var line))
                {
                    Interlocked.Decrement(ref _queued);
                    AppendSafely(line);
                    if (_buffer.WrittenCount >= FlushBytes)
                    {
                        Flush();
                    }
                }
                Flush();
            }
            // Let the next batch gather: a wake-up per request costs more than the line itself.
            Thread.Sleep(BatchInterval);
        }
    }

    private void WriteNow(AuditLine line)
    {
        lock (_buffer)
        {
            AppendSafely(line);
            Flush();
        }
    }

    /// <summary>
    /// An event that cannot be formatted (a state value whose <c>ToString</c> throws) must not stop the writer nor
    /// leave half a line in the batch: the lines before it are written, and it is replaced by a line that says so.
    /// </summary>
    private void AppendSafely(in AuditLine line)
    {
        var lineStart = _buffer.WrittenCount;
        try
        {
            Append(line);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Flush(lineStart);
            Append(new AuditLine(line.Timestamp, line.Level, line.EventId, null,
                $"This event could not be written: formatting it threw {exception.GetType().Name}.", null, null));
        }
    }

    /// <summary>The JSON console formatter's shape: Timestamp, EventId, LogLevel, Category, Message, State, Scopes.</summary>
    private void Append(in AuditLine line)
    {
        var json = _json;
        json.Reset(_buffer);
        json.WriteStartObject();
        Span<char> timestamp = stackalloc char[32];
        line.Timestamp.TryFormat(timestamp, out var length, ObservabilityExtensions.LogTimestampFormat, CultureInfo.InvariantCulture);
        json.WriteString(Names.Timestamp, timestamp[..length]);
        json.WriteNumber(Names.EventId, line.EventId.Id);
        json.WriteString(Names.LogLevel, line.Level.ToString());
        json.WriteString(Names.Category, Names.AuditCategory);
        if (line.Entry is { } entry)
        {
            WriteEntry(json, entry, line.Exception);
        }
        else
        {
            json.WriteString(Names.Message, line.Message);
            WriteException(json, line.Exception);
            if (line.State is { } properties)
            {
                json.WriteStartObject(Names.State);
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
        }
        json.WriteStartArray(Names.Scopes);
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        _buffer.Write("\n"u8);
    }

    /// <summary>The request's event, written from its fields: the same message and properties as the generic path.</summary>
    private void WriteEntry(Utf8JsonWriter json, in AuditEntry entry, Exception? exception)
    {
        if (entry.TryFormatMessage(_message, out var length))
        {
            json.WriteString(Names.Message, _message.AsSpan(0, length));
        }
        else
        {
            json.WriteString(Names.Message, entry.ToString()); // a path longer than the buffer
        }
        WriteException(json, exception);
        json.WriteStartObject(Names.State);
        json.WriteString(Names.Method, entry.Method);
        json.WriteString(Names.Path, entry.Path);
        json.WriteString(Names.User, entry.User);
        json.WriteString(Names.Client, entry.Client);
        json.WriteNumber(Names.StatusCode, entry.StatusCode);
        json.WriteNumber(Names.ElapsedMs, entry.ElapsedMs);
        json.WriteString(Names.Outcome, entry.Outcome);
        json.WriteString(Names.OriginalFormat, Names.Template);
        json.WriteEndObject();
    }

    private static void WriteException(Utf8JsonWriter json, Exception? exception)
    {
        if (exception is not null)
        {
            json.WriteString(Names.Exception, exception.ToString());
        }
    }

    /// <summary>Property names and constant values, escaped once.</summary>
    private static class Names
    {
        public static readonly JsonEncodedText Timestamp = JsonEncodedText.Encode(nameof(Timestamp));
        public static readonly JsonEncodedText EventId = JsonEncodedText.Encode(nameof(EventId));
        public static readonly JsonEncodedText LogLevel = JsonEncodedText.Encode(nameof(LogLevel));
        public static readonly JsonEncodedText Category = JsonEncodedText.Encode(nameof(Category));
        public static readonly JsonEncodedText Message = JsonEncodedText.Encode(nameof(Message));
        public static readonly JsonEncodedText Exception = JsonEncodedText.Encode(nameof(Exception));
        public static readonly JsonEncodedText State = JsonEncodedText.Encode(nameof(State));
        public static readonly JsonEncodedText Scopes = JsonEncodedText.Encode(nameof(Scopes));
        public static readonly JsonEncodedText Method = JsonEncodedText.Encode(nameof(AuditEntry.Method));
        public static readonly JsonEncodedText Path = JsonEncodedText.Encode(nameof(AuditEntry.Path));
        public static readonly JsonEncodedText User = JsonEncodedText.Encode(nameof(AuditEntry.User));
        public static readonly JsonEncodedText Client = JsonEncodedText.Encode(nameof(AuditEntry.Client));
        public static readonly JsonEncodedText StatusCode = JsonEncodedText.Encode(nameof(AuditEntry.StatusCode));
        public static readonly JsonEncodedText ElapsedMs = JsonEncodedText.Encode(nameof(AuditEntry.ElapsedMs));
        public static readonly JsonEncodedText Outcome = JsonEncodedText.Encode(nameof(AuditEntry.Outcome));
        public static readonly JsonEncodedText OriginalFormat = JsonEncodedText.Encode("{OriginalFormat}");
        public static readonly JsonEncodedText AuditCategory = JsonEncodedText.Encode(AuditExtensions.Category);
        public static readonly JsonEncodedText Template = JsonEncodedText.Encode(AuditLog.Template);
    }

    private void Flush() => Flush(_buffer.WrittenCount);

    /// <summary>Writes the first <paramref name="length"/> bytes of the batch and empties it.</summary>
    private void Flush(int length)
    {
        if (length == 0)
        {
            _buffer.ResetWrittenCount();
            return;
        }
        try
        {
            lock (_output.Lock)
            {
                _output.Stream.Write(_buffer.WrittenSpan[..length]);
                _output.Stream.Flush();
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
        _writer.Join(TimeSpan.FromSeconds(5)); // what was still queued when the host stopped
    }

    /// <summary>
    /// What is kept of an event: the request's <see cref="AuditEntry"/> as it is, or for any other event its message and
    /// a copy of its state, taken on the caller's thread (the logging generator hands out a pooled state object that
    /// is reused as soon as <see cref="Log{TState}"/> returns).
    /// </summary>
    private readonly record struct AuditLine(DateTime Timestamp, LogLevel Level, EventId EventId, AuditEntry? Entry, string? Message,
        Exception? Exception, KeyValuePair<string, object?>[]? State);
}
