using System.Net;
using ImmichGateway.Scopes;
using ImmichGateway.Tests.Fixtures;
using ImmichGateway.Tests.Reference;

namespace ImmichGateway.Tests.Scopes;

/// <summary>
/// An album-scoped client that is not read-only: its writes meet the album rule itself (the frame's meet the
/// read-only rule first). The album scope grants reading only — its albums, their assets and a narrowed search.
/// </summary>
public sealed class AlbumScopedWriterTests(ScopedGateway gateway) : IClassFixture<ScopedGateway>
{
    private static readonly string InAlbum = FakeImmich.AlbumOneAssets[1];
    private string OutsideAlbum => gateway.AliceOther.Assets[0]["id"]!.GetValue<string>();

    [Theory]
    [InlineData("PUT", "/api/assets/{outside}", "{\"isFavorite\":true}")]
    [InlineData("PATCH", "/api/albums/{other}", "{\"albumName\":\"x\"}")]
    [InlineData("DELETE", "/api/albums/{other}", null)]
    [InlineData("PUT", "/api/albums/{other}/assets", "{\"ids\":[\"{outside}\"]}")]
    [InlineData("DELETE", "/api/assets", "{\"ids\":[\"{outside}\"]}")]
    [InlineData("POST", "/api/albums", "{\"albumName\":\"x\"}")]
    [InlineData("POST", "/api/assets", "x")]
    [InlineData("POST", "/api/jobs", "{\"name\":\"thumbnail-generation\"}")]
    [InlineData("POST", "/api/search/smart", "{\"query\":\"beach\"}")]
    public async Task WriteOutsideItsAlbums_IsRefusedByTheAlbumRule_AndImmichIsNotContacted(string method, string route, string? body)
    {
        var (response, seen) = await gateway.SendAsync(ScopedGateway.AlbumApp, method, Fill(route), body is null ? null : Fill(body));

        Assert.Equal(ScopeRules.AlbumRefusal, await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden));
        Assert.Empty(seen);
    }

    [Theory]
    [InlineData("PATCH", "/api/albums/{one}", "{\"albumName\":\"x\"}")]
    [InlineData("PUT", "/api/albums/{one}/assets", "{\"ids\":[\"{asset}\"]}")]
    [InlineData("PUT", "/api/assets/{asset}", "{\"isFavorite\":true}")]
    [InlineData("DELETE", "/api/assets/{asset}", null)]
    public async Task WriteInsideItsAlbum_IsRefusedToo_TheAlbumScopeGrantsReadingOnly(string method, string route, string? body)
    {
        var (response, seen) = await gateway.SendAsync(ScopedGateway.AlbumApp, method, Fill(route), body is null ? null : Fill(body));

        Assert.Equal(ScopeRules.AlbumRefusal, await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden));
        Assert.Empty(seen);
    }

    [Fact]
    public async Task SearchPost_GoesThrough_NarrowedToItsAlbum()
    {
        var (response, seen) = await gateway.SendAsync(ScopedGateway.AlbumApp, "POST", "/api/search/metadata", "{\"size\":10}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        seen.Only("POST", "/api/search/metadata").BodyIs($"{{\"size\":10,\"albumIds\":[\"{FakeImmich.AlbumOne}\"]}}");
    }

    [Fact]
    public async Task ReadInsideItsAlbum_GoesThrough()
    {
        var (response, seen) = await gateway.SendAsync(ScopedGateway.AlbumApp, "GET", $"/api/assets/{InAlbum}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(seen, s => (s.Method, s.Path) == ("GET", $"/api/assets/{InAlbum}"));
    }

    private string Fill(string text) => text
        .Replace("{one}", FakeImmich.AlbumOne.ToString())
        .Replace("{other}", gateway.AliceOther.Id.ToString())
        .Replace("{asset}", InAlbum)
        .Replace("{outside}", OutsideAlbum);
}
