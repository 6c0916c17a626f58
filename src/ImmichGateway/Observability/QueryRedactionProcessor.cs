using System.Diagnostics;
using OpenTelemetry;

namespace ImmichGateway.Observability;

/// <summary>
/// Replaces every query value in a span's URL attributes with <c>Redacted</c> (<c>?apiKey=Redacted&amp;size=Redacted</c>)
/// before any exporter sees the span. The instrumentations redact too, but an environment variable
/// (<c>OTEL_DOTNET_EXPERIMENTAL_*_DISABLE_URL_QUERY_REDACTION</c>, <c>DOTNET_SYSTEM_NET_HTTP_DISABLEURIREDACTION</c>)
/// turns theirs off; Immich clients put keys in queries (<c>apiKey</c>, <c>key</c>, <c>sessionKey</c>), so this one
/// cannot be turned off.
/// </summary>
internal sealed class QueryRedactionProcessor : BaseProcessor<Activity>
{
    public const string Redacted = "Redacted";

    private static readonly string[] QueryTags = ["url.query"];
    private static readonly string[] UrlTags = ["url.full", "http.url", "http.target"];

    public override void OnEnd(Activity activity)
    {
        foreach (var tag in QueryTags)
        {
            if (activity.GetTagItem(tag) is string { Length: > 0 } query)
            {
                activity.SetTag(tag, RedactQuery(query));
            }
        }
        foreach (var tag in UrlTags)
        {
            if (activity.GetTagItem(tag) is string url && url.IndexOf('?') is var start and >= 0)
            {
                var end = url.IndexOf('#', start);
                activity.SetTag(tag, end < 0
                    ? url[..(start + 1)] + RedactQuery(url[(start + 1)..])
                    : url[..(start + 1)] + RedactQuery(url[(start + 1)..end]) + url[end..]);
            }
        }
    }

    /// <summary><c>a=1&amp;b=&amp;c</c> → <c>a=Redacted&amp;b=&amp;c</c> (a leading <c>?</c> is kept).</summary>
    internal static string RedactQuery(string query)
    {
        var prefix = query.StartsWith('?') ? "?" : "";
        var parts = query[prefix.Length..].Split('&');
        for (var i = 0; i < parts.Length; i++)
        {
            var equals = parts[i].IndexOf('=');
            if (equals >= 0 && equals < parts[i].Length - 1)
            {
                parts[i] = parts[i][..(equals + 1)] + Redacted;
            }
        }
        return prefix + string.Join('&', parts);
    }
}
