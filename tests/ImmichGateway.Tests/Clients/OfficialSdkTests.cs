using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Clients;

/// <summary>
/// A photo-frame app written against the official Immich SDK (<c>tests/immich-clients/photo-frame.mjs</c>), given the
/// gateway's URL and a gateway client key: its typed calls, blobs and error handling work through the gateway as they
/// do against Immich, thumbnails come from the gateway's cache the second time, and Immich's refusals reach it as Immich
/// sent them.
/// </summary>
public sealed class OfficialSdkTests : IClassFixture<KestrelGatewayFactory>, IDisposable
{
    private static readonly TestClient Frame = TestUsers.BobFrame;
    private readonly KestrelGatewayFactory _gateway;
    private readonly DirectoryInfo _home = Directory.CreateTempSubdirectory("immich-sdk-");

    public OfficialSdkTests(KestrelGatewayFactory gateway)
    {
        _gateway = gateway;
        gateway.Immich.ServeFromState = true;
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PhotoFrameApp_OnTheGateway_ReadsItsAlbumPageByPageAndShowsItsPhotos()
    {
        var album = _gateway.Immich.AddAlbum(5, TestUsers.Ada, withCover: true, (TestUsers.Alice, "editor"), (Frame.User, "viewer"));
        var ids = album.Assets.Select(a => a["id"]!.GetValue<string>()).ToList();
        var notShared = _gateway.Immich.AddAlbum(1, TestUsers.Alice);
        var before = _gateway.Immich.Requests.Count;

        var run = await ImmichClients.RunScriptAsync("photo-frame.mjs",
            [_gateway.ServerAddress.GetLeftPart(UriPartial.Authority) + "/api", Frame.Key, album.Name, notShared.Id.ToString()], _home.FullName, Cancel);

        Assert.True(run.ExitCode == 0, run.ToString());
        var result = JsonNode.Parse(run.Output)!;
        Assert.Equal(Frame.User.Email, result["me"]!.GetValue<string>());
        Assert.Contains(album.Name, result["albums"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.DoesNotContain(notShared.Name, result["albums"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(5, result["assetCount"]!.GetValue<int>());
        // Immich's search pages (nextPage a string) followed to the end: 2 + 2 + 1, every asset once.
        Assert.Equal([2, 2, 1], result["pages"]!.AsArray().Select(p => p!.AsArray().Count));
        Assert.Equal(ids.Order(), result["pages"]!.AsArray().SelectMany(p => p!.AsArray()).Select(a => a!.GetValue<string>()).Order());

        var thumbnail = Recordings.Get("GET_api_assets_{id}_thumbnail.admin.json");
        var preview = Recordings.Get("GET_api_assets_{id}_thumbnail__size=preview.admin.json");
        var original = Recordings.Get("GET_api_assets_{id}_original.admin.json");
        Assert.Equal(Blob(thumbnail.ContentType!, thumbnail.BodyBytes), result["thumbnail"]!.ToJsonString());
        Assert.Equal(Blob(thumbnail.ContentType!, thumbnail.BodyBytes), result["thumbnailAgain"]!.ToJsonString());
        Assert.Equal(Blob(preview.ContentType!, preview.BodyBytes), result["preview"]!.ToJsonString());
        Assert.Equal(Blob("image/jpeg", original.BodyBytes), result["original"]!.ToJsonString());
        var first = result["pages"]![0]![0]!.GetValue<string>();
        var seen = _gateway.Immich.RequestsSince(before);
        // The second thumbnail came from the gateway's cache: Immich served it once.
        Assert.Single(seen, r => r.Path == $"/api/assets/{first}/thumbnail" && !r.Query.Contains("preview"));

        Assert.Equal("""{"status":400,"message":"Not found or no album.read access"}""", result["forbiddenAlbum"]!.ToJsonString());
        Assert.Equal("""{"status":403,"message":"Forbidden"}""", result["statistics"]!.ToJsonString());
        Assert.All(seen, r => Assert.True(r.Header("x-api-key") == Frame.User.ImmichKey, $"{r.Method} {r.Path}: x-api-key '{r.Header("x-api-key")}'"));
    }

    private static string Blob(string type, byte[] bytes) =>
        new JsonObject { ["type"] = type.Split(';')[0], ["size"] = bytes.Length, ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)) }.ToJsonString();

    public void Dispose() => _home.Delete(recursive: true);
}
