using System.Buffers;
using System.Collections;
using System.Globalization;

namespace ImmichGateway.Audit;

/// <summary>
/// The audit event, 6001, one per request. Its state is <see cref="AuditEntry"/>, a struct, rather than the logging
/// generator's state object: the audit console writer queues it as it is, with no message string, boxed numbers or
/// copied property array on the request thread. Every other provider sees the same properties and message.
/// </summary>
internal static class AuditLog
{
    public const string Template = "{Method} {Path} by {User}/{Client} answered {StatusCode} in {ElapsedMs} ms";
    public static readonly EventId RequestEvent = new(6001, "Request");

    public static void Request(ILogger logger, string method, string path, string user, string client, int statusCode, double elapsedMs)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.Log(LogLevel.Information, RequestEvent, new AuditEntry(method, path, user, client, statusCode, elapsedMs), null, AuditEntry.Format);
        }
    }
}

/// <summary>What an audit event says. Read as a property list, it is what the logging generator would have produced
/// for <see cref="AuditLog.Template"/>: the six values, then <c>{OriginalFormat}</c>.</summary>
internal readonly struct AuditEntry(string method, string path, string user, string client, int statusCode, double elapsedMs)
    : IReadOnlyList<KeyValuePair<string, object?>>
{
    public static readonly Func<AuditEntry, Exception?, string> Format = (entry, _) => entry.ToString();

    public string Method { get; } = method;
    public string Path { get; } = path;
    public string User { get; } = user;
    public string Client { get; } = client;
    public int StatusCode { get; } = statusCode;
    public double ElapsedMs { get; } = elapsedMs;

    public int Count => 7;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new(nameof(Method), Method),
        1 => new(nameof(Path), Path),
        2 => new(nameof(User), User),
        3 => new(nameof(Client), Client),
        4 => new(nameof(StatusCode), StatusCode),
        5 => new(nameof(ElapsedMs), ElapsedMs),
        6 => new("{OriginalFormat}", AuditLog.Template),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>The message, formatted as the logging library formats <see cref="AuditLog.Template"/> (invariant culture).</summary>
    public bool TryFormatMessage(Span<char> destination, out int written) =>
        destination.TryWrite(CultureInfo.InvariantCulture, $"{Method} {Path} by {User}/{Client} answered {StatusCode} in {ElapsedMs} ms", out written);

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
