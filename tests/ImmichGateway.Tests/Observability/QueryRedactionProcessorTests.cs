using System.Diagnostics;
using ImmichGateway.Observability;

namespace ImmichGateway.Tests.Observability;

/// <summary>The last line of defence: the instrumentations' own redaction can be switched off by environment variables.</summary>
public sealed class QueryRedactionProcessorTests
{
    [Theory]
    [InlineData("apiKey=s3cret&size=preview", "apiKey=Redacted&size=Redacted")]
    [InlineData("?key=s3cret", "?key=Redacted")]
    [InlineData("flag&empty=&apiKey=Redacted", "flag&empty=&apiKey=Redacted")]
    public void RedactQuery_ReplacesEveryValue(string query, string expected) =>
        Assert.Equal(expected, QueryRedactionProcessor.RedactQuery(query));

    [Fact]
    public void OnEnd_WithUnredactedUrlTags_RedactsThem()
    {
        using var activity = new Activity("test");
        activity.SetTag("url.query", "?apiKey=s3cret");
        activity.SetTag("url.full", "http://immich:2283/api/albums?sessionKey=s3cret&x=1#frag");
        activity.SetTag("url.path", "/api/albums");

        new QueryRedactionProcessor().OnEnd(activity);

        Assert.Equal("?apiKey=Redacted", activity.GetTagItem("url.query"));
        Assert.Equal("http://immich:2283/api/albums?sessionKey=Redacted&x=Redacted#frag", activity.GetTagItem("url.full"));
        Assert.Equal("/api/albums", activity.GetTagItem("url.path"));
    }
}
