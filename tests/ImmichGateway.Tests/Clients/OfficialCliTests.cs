using System.Security.Cryptography;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Clients;

/// <summary>
/// The official Immich CLI, unmodified, pointed at the gateway with a gateway client key as its "API key": it logs
/// in (discovering the API through <c>/.well-known/immich</c>, checking its key's permissions), reports the server,
/// and uploads a folder into an album, skipping what is already there on the second run. Immich only ever sees the
/// user's own Immich key.
/// </summary>
public sealed class OfficialCliTests : IClassFixture<KestrelGatewayFactory>, IDisposable
{
    private static readonly TestClient Phone = TestUsers.AlicePhone;
    private readonly KestrelGatewayFactory _gateway;
    private readonly DirectoryInfo _home = Directory.CreateTempSubdirectory("immich-cli-");

    public OfficialCliTests(KestrelGatewayFactory gateway)
    {
        _gateway = gateway;
        gateway.Immich.ServeFromState = true; // albums the CLI creates are listed back to it
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>The URL a user gives the CLI: the gateway's, where they would have given Immich's.</summary>
    private string ApiUrl => _gateway.ServerAddress.GetLeftPart(UriPartial.Authority) + "/api";

    [Fact]
    public async Task Login_WithAGatewayClientKey_LogsInAsTheUserAndServerInfoReportsTheirServer()
    {
        var before = _gateway.Immich.Requests.Count;

        var login = await CliAsync("login", ApiUrl, Phone.Key);
        var info = await CliAsync("server-info");

        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Contains("Logged in as alice@example.com", login.Output);
        Assert.Contains($"url: {ApiUrl}", File.ReadAllText(Path.Combine(_home.FullName, "auth.yml")));
        Assert.True(info.ExitCode == 0, info.ToString());
        Assert.Contains("Server Info (via alice@example.com)", info.Output);
        Assert.Contains("Version: 3.1.0", info.Output);
        Assert.Contains("Total: 5", info.Output); // the recorded asset statistics
        var seen = _gateway.Immich.RequestsSince(before);
        Assert.Contains(seen, r => r.Path == "/.well-known/immich");
        Assert.Contains(seen, r => r.Path == "/api/api-keys/me" && r.User == Phone.User.Name); // the CLI checks its permissions
        Assert.Contains(seen, r => r.Path == "/api/assets/statistics" && r.User == Phone.User.Name);
        AssertOnlyTheUsersImmichKeyReachedImmich(seen);
    }

    [Fact]
    public async Task Upload_AFolderIntoAnAlbum_StoresEveryFileOnceAndTheSecondRunFindsOnlyDuplicates()
    {
        var folder = _home.CreateSubdirectory("photos");
        var files = new Dictionary<string, byte[]>
        {
            ["kitchen.jpg"] = RandomNumberGenerator.GetBytes(40 * 1024 * 1024), // over Kestrel's default 30 MB body limit
            ["garden.jpg"] = RandomNumberGenerator.GetBytes(300 * 1024),
            ["hall.png"] = RandomNumberGenerator.GetBytes(12 * 1024),
        };
        foreach (var (name, bytes) in files)
        {
            await File.WriteAllBytesAsync(Path.Combine(folder.FullName, name), bytes, Cancel);
        }
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "notes.txt"), "not a photo", Cancel); // not a media type Immich takes
        var before = _gateway.Immich.Requests.Count;
        string[] upload = ["--url", ApiUrl, "--key", Phone.Key, "upload", "--no-progress", "--album-name", "Hall screen", folder.FullName];

        var first = await CliAsync(upload);
        var afterFirst = _gateway.Immich.Requests.Count;
        var second = await CliAsync(upload);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("Found 3 new files and 0 duplicates", first.Output);
        Assert.Contains("Successfully uploaded 3 new assets", first.Output);
        var stored = _gateway.Immich.Uploads.Where(u => u.Owner == Phone.User).ToDictionary(u => u.FileName);
        foreach (var (name, bytes) in files)
        {
            Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(bytes)), stored[name].Sha1);
            Assert.Equal(bytes.Length, stored[name].Size);
        }
        var album = Assert.Single(_gateway.Immich.Albums, a => a.Name == "Hall screen");
        Assert.Equal(Phone.User, album.Owner);
        Assert.Equal(files.Keys.Select(n => stored[n].Id.ToString()).Order(), album.Assets.Select(a => a["id"]!.GetValue<string>()).Order());

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("Found 0 new files and 3 duplicates", second.Output);
        Assert.Contains("All assets were already uploaded, nothing to do.", second.Output);
        var secondSeen = _gateway.Immich.RequestsSince(afterFirst);
        Assert.DoesNotContain(secondSeen, r => r is { Method: "POST", Path: "/api/assets" });
        Assert.Single(_gateway.Immich.Albums, a => a.Name == "Hall screen"); // found by name, not created again
        AssertOnlyTheUsersImmichKeyReachedImmich(_gateway.Immich.RequestsSince(before));
    }

    [Fact]
    public async Task Login_WithAKeyTheGatewayDoesNotKnow_FailsWithThe401AndImmichSeesNoCredential()
    {
        var before = _gateway.Immich.Requests.Count;

        var login = await CliAsync("login", ApiUrl, "igw_nobody_" + Guid.NewGuid().ToString("N"));

        Assert.Equal(1, login.ExitCode);
        Assert.Contains($"Failed to connect to server {ApiUrl}: 401", login.Errors);
        Assert.Contains("\"status\": 401", login.Errors); // the gateway's problem document, as the CLI prints it
        Assert.False(File.Exists(Path.Combine(_home.FullName, "auth.yml")));
        var seen = Assert.Single(_gateway.Immich.RequestsSince(before)); // only the anonymous discovery document
        Assert.Equal("/.well-known/immich", seen.Path);
    }

    /// <summary>
    /// The client key never reached Immich; every request that carried a key carried the user's Immich key, and only
    /// Immich's public routes (discovery, version, media types) went without one.
    /// </summary>
    private static void AssertOnlyTheUsersImmichKeyReachedImmich(IReadOnlyList<SeenRequest> seen)
    {
        string[] anonymous = ["/.well-known/immich", "/api/server/version", "/api/server/media-types"];
        Assert.Contains(seen, r => r.Header("x-api-key") == Phone.User.ImmichKey);
        foreach (var request in seen)
        {
            Assert.DoesNotContain(request.Headers.Values, v => v.Contains(Phone.Key, StringComparison.Ordinal));
            Assert.True(request.Header("x-api-key") == Phone.User.ImmichKey || anonymous.Contains(request.Path) && request.Header("x-api-key") is null,
                $"{request.Method} {request.Path} reached Immich with x-api-key '{request.Header("x-api-key")}'");
        }
    }

    private Task<CliRun> CliAsync(params string[] arguments) => ImmichClients.RunCliAsync(_home.FullName, arguments, Cancel);

    public void Dispose() => _home.Delete(recursive: true);
}
