using System.Collections.Frozen;
using ImmichGateway.Scopes;

namespace ImmichGateway.Tests.Scopes;

/// <summary>The scope rules alone, without a server.</summary>
public sealed class ScopeRulesTests
{
    private static readonly Guid Album = Guid.Parse("1001bb5e-afab-4dd6-918c-53bf41379a9d");
    private static readonly ClientScope AlbumScoped = new(false, new[] { Album }.ToFrozenSet(), null, null);

    [Theory]
    [InlineData("GET /api/albums/**", "GET", "/api/albums/x/y", true)]
    [InlineData("GET /api/albums/**", "GET", "/api/albums", true)]
    [InlineData("GET /api/albums/*", "GET", "/api/albums/x/y", false)]
    [InlineData("* /api/search/*", "POST", "/api/search/metadata", true)]
    [InlineData("GET /api/albums", "POST", "/api/albums", false)]
    [InlineData("get /API/Albums", "GET", "/api/albums/", true)]
    public void RouteRule_Matches(string rule, string method, string path, bool matches)
    {
        Assert.True(RouteRule.TryParse(rule, out var parsed));

        Assert.Equal(matches, parsed!.Matches(method, path));
    }

    [Theory]
    [InlineData("/api/albums")]
    [InlineData("GET api/albums")]
    [InlineData("GET /api/**/x")]
    [InlineData("G3T /api")]
    public void RouteRule_RefusesMalformedPatterns(string rule)
    {
        Assert.False(RouteRule.TryParse(rule, out _));
    }

    [Theory]
    [InlineData("GET", "/api/assets/{asset}/thumbnail")]
    [InlineData("HEAD", "/api/assets/{asset}/original")]
    [InlineData("GET", "/bff/assets/{asset}")]
    public void AlbumScope_AssetRoutes_AskForMembership(string method, string path)
    {
        var asset = Guid.NewGuid();

        var decision = ScopeRules.Evaluate(AlbumScoped, method, path.Replace("{asset}", asset.ToString()));

        Assert.Equal((null, asset), (decision.Refusal, decision.AssetToCheck));
    }

    [Theory]
    [InlineData("GET", "/api/assets/{asset}/edits")]
    [InlineData("GET", "/api/people")]
    [InlineData("GET", "/api/albums/statistics")]
    [InlineData("POST", "/api/search/smart")]
    public void AlbumScope_OtherRoutes_AreRefused(string method, string path)
    {
        var decision = ScopeRules.Evaluate(AlbumScoped, method, path.Replace("{asset}", Guid.NewGuid().ToString()));

        Assert.Equal(ScopeRules.AlbumRefusal, decision.Refusal);
    }

    [Theory]
    [InlineData("POST", "/api/socket.io/", "?EIO=4&transport=polling&sid=abc", true)]
    [InlineData("POST", "/api/socket.io", "?EIO=4&transport=polling&sid=abc&t=x", true)]
    [InlineData("POST", "/api/socket.io/", "?EIO=4&transport=polling", false)]
    [InlineData("POST", "/api/socket.io/", "?EIO=4&transport=polling&transport=websocket&sid=abc", false)]
    [InlineData("POST", "/api/socket.io/", "?EIO=4&transport=websocket&sid=abc", false)]
    [InlineData("POST", "/api/socket.io/x", "?EIO=4&transport=polling&sid=abc", false)]
    [InlineData("PUT", "/api/socket.io/", "?EIO=4&transport=polling&sid=abc", false)]
    public void ReadOnly_SocketIoPollingPosts_AreAllowed_NothingElseNearby(string method, string path, string query, bool allowed)
    {
        var readOnly = new ClientScope(true, null, null, null);

        var decision = ScopeRules.Evaluate(readOnly, method, path, query);

        Assert.Equal(allowed ? null : ScopeRules.ReadOnlyRefusal, decision.Refusal);
    }
}
