using System.Buffers;
using System.Collections;
using System.Globalization;

namespace ImmichGateway.Audit;

/// <summary>
/// The audit event, 6001, one per request. Its state is <see cref="AuditEntry"/>, a struct, rather than the logging
/// generator's state object: the audit console writer queues it as it is, with no message string, boxed numbers or
/// copied property array on the request thread. Every other provider sees the same properties and message.
/// <c>Outcome</c> is <see cref="AuditOutcome.Complete"/>, or <see cref="AuditOutcome.Aborted"/> when the request ended
/// with its connection (or HTTP/2 stream) cut: the status may already have gone out as 200 when Immich stalled or broke
/// off mid-answer, the gateway cut the answer, or the client went away.
/// </summary>
internal static class AuditLog
{
    public const string Template = "{Method} {Path} by {User}/{Client} answered {StatusCode} in {ElapsedMs} ms ({Outcome})";
    public static readonly EventId RequestEvent = new(6001, "Request");

    public static void Request(ILogger logger, string method, string path, string user, string client, int statusCode, double elapsedMs,
        string outcome = AuditOutcome.Complete)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.Log(LogLevel.Information, RequestEvent, new AuditEntry(method, path, user, client, statusCode, elapsedMs, outcome), null, AuditEntry.Format);
        }
    }
}

/// <summary>What an audit event says. Read as a property list, it is what the logging generator would have produced
/// for <see cref="AuditLog.Template"/>: the seven values, then <c>{OriginalFormat}</c>.</summary>
internal readonly struct AuditEntry(string method, string path, string user, string client, int statusCode, double elapsedMs,
    string outcome = AuditOutcome.Complete)
    : IReadOnlyList<KeyValuePair<string, object?>>
{
    public static readonly Func<AuditEntry, Exception?, string> Format = (entry, _) => entry.ToString();

    public string Method { get; } = method;
    public string Path { get; } = path;
    public string User { get; } = user;
    public string Client { get; } = client;
    public int StatusCode { get; } = statusCode;
    public double ElapsedMs { get; } = elapsedMs;
    public string Outcome { get; } = outcome;

    public int Count => 8;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new(nameof(Method), Method),
        1 => new(nameof(Path), Path),
        2 => new(nameof(User), User),
        3 => new(nameof(Client), Client),
        4 => new(nameof(StatusCode), StatusCode),
        5 => new(nameof(ElapsedMs), ElapsedMs),
        6 => new(nameof(Outcome), Outcome),
        7 => new("{OriginalFormat}", AuditLog.Template),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>The message, formatted as the logging library formats <see cref="AuditLog.Template"/> (invariant culture).</summary>
    public bool TryFormatMessage(Span<char> destination, out int written) =>
        destination.TryWrite(CultureInfo.InvariantCulture, $"{Method} {Path} by {User}/{Client} answered {StatusCode} in {ElapsedMs} ms ({Outcome})", out written);

    public override string ToString()
    {
        for (var size = 256; ; size *= 2)
        {
            var buffer = ArrayPool<char>.Shared.Rent(size);
            try
            {
                if (TryFormatMessage(buffer, out var written))
                {
                    return new string(buffer, 0, written);
                }
            }
            finally
            {
                ArrayPool<char>.Shared.Return(buffer);
            }
        }
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>The values of an audit event's <c>Outcome</c>.</summary>
internal static class AuditOutcome
{
    /// <summary>The request ended with its connection whole: the status is what the client got.</summary>
    public const string Complete = "complete";

    /// <summary>The connection (or HTTP/2 stream) was cut before the request ended: the answer, if any, is incomplete.</summary>
    public const string Aborted = "aborted";
}
