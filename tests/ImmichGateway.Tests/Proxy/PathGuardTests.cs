using ImmichGateway.Proxy;

namespace ImmichGateway.Tests.Proxy;

/// <summary>The path check itself, both its quick answer for plain paths and its segment-by-segment one.</summary>
public sealed class PathGuardTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/api/assets/0b9f7c2e-4d1a-4f6b-9a3c-000000000001/thumbnail")]
    [InlineData("/api/socket.io/")]          // a dot inside a segment, one trailing slash
    [InlineData("/api/download/archive.zip")]
    [InlineData("/api/search/metadata")]
    [InlineData("/api/albums/%41")]          // an encoded letter is not a separator
    public void PlainPaths_PassAsTheyAre(string path) => Assert.False(PathGuard.IsAmbiguous(path));

    [Theory]
    [InlineData("/api//albums")]
    [InlineData("/api/albums//")]
    [InlineData("//api/albums")]
    [InlineData("/api/./albums")]
    [InlineData("/api/albums/..")]
    [InlineData("/api/albums/%2E%2e/users")]
    [InlineData("/api/albums/.%2e/users")]
    [InlineData("/api/albums%2fx")]
    [InlineData("/api/albums%5Cx")]
    [InlineData("/api/albums\\x")]
    public void AmbiguousPaths_AreCaught(string path) => Assert.True(PathGuard.IsAmbiguous(path));
}
