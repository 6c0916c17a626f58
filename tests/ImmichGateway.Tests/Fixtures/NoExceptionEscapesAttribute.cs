using System.Collections.Concurrent;
using System.Reflection;
using ImmichGateway.Tests.Fixtures;
using Microsoft.Extensions.Logging;
using Xunit.v3;

[assembly: NoExceptionEscapes]

namespace ImmichGateway.Tests.Fixtures;

/// <summary>
/// After every test: no exception got past the gateway to ASP.NET Core while it ran. That is a 500, or, once the
/// answer has begun, a cut connection or a reset HTTP/2 stream; a test's own assertions can miss it (an empty write to
/// Immich's 304 reset the stream over HTTP/2, and over HTTP/1.1 the 304 had already gone out whole). Every gateway's
/// <see cref="LogSink"/> reports such events here as they are logged; the test that finishes next fails with them
/// (tests of other collections run alongside, so the message says so).
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class NoExceptionEscapesAttribute : BeforeAfterTestAttribute
{
    private static readonly ConcurrentQueue<string> Escaped = new();

    /// <summary>The log categories that report an exception no one handled.</summary>
    public static void Observe(string category, LogLevel level, string message, string? exception)
    {
        if (level >= LogLevel.Error &&
            category is "Microsoft.AspNetCore.Server.Kestrel" or "Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware")
        {
            Escaped.Enqueue($"{category}: {message}{Environment.NewLine}{exception}");
        }
    }

    public override void After(MethodInfo methodUnderTest, IXunitTest test)
    {
        var escaped = new List<string>();
        while (Escaped.TryDequeue(out var entry))
        {
            escaped.Add(entry);
        }
        if (escaped.Count > 0)
        {
            throw new InvalidOperationException(
                $"An exception escaped a gateway while this test (or one running alongside it) ran:{Environment.NewLine}" +
                string.Join(Environment.NewLine, escaped));
        }
    }
}
