using System.Diagnostics;

namespace ImmichGateway.Tests.Observability;

internal static class SpanAssert
{
    /// <summary>No span's name, status, tags, event tags or baggage contains any of <paramref name="secrets"/>.</summary>
    public static void CarryNone(IEnumerable<Activity> spans, IReadOnlyCollection<string> secrets)
    {
        foreach (var span in spans)
        {
            var text = string.Join(" ", span.DisplayName, span.StatusDescription,
                string.Join(" ", span.TagObjects.Select(t => $"{t.Key}={t.Value}")),
                string.Join(" ", span.Events.SelectMany(e => e.Tags.Select(t => $"{t.Key}={t.Value}"))),
                string.Join(" ", span.Baggage.Select(b => $"{b.Key}={b.Value}")));
            foreach (var secret in secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"span {span.Source.Name} '{span.DisplayName}' carries '{secret}': {text}");
            }
        }
    }
}
