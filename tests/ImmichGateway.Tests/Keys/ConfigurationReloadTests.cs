using System.Net;
using System.Net.WebSockets;
using System.Text;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Keys;

/// <summary>An operator edits the mounted user list while clients are connected. Each test owns its gateway.</summary>
public sealed class ConfigurationReloadTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RemovedClientKey_StopsWorking_ClosesItsWebSockets_AndLeavesOtherClientsAlone()
    {
        await using var gateway = new KestrelGatewayFactory();
        await gateway.InitializeAsync();
        using var kiosk = gateway.CreateClient(TestUsers.AliceKiosk);
        using var phone = gateway.CreateClient(TestUsers.AlicePhone);
        using var socket = await gateway.ConnectSocketIoAsync(TestUsers.AliceKiosk);
        using var phoneSocket = await gateway.ConnectSocketIoAsync(TestUsers.AlicePhone);

        gateway.WriteUsers(TestUsers.Configuration(TestUsers.AlicePhone, TestUsers.BobFrame));
        var kioskRefused = await GatewayFactory.EventuallyAsync(async () => (await kiosk.GetAsync("/api/albums", Cancel)).StatusCode == HttpStatusCode.Unauthorized);
        var closed = await KestrelGatewayFactory.ReceiveUntilClosedAsync(socket);

        Assert.True(kioskRefused, "the removed key was still accepted");
        Assert.True(closed, "the removed client's WebSocket stayed open");
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/api/albums", Cancel)).StatusCode);
        await phoneSocket.SendAsync(Encoding.UTF8.GetBytes("still-here"), WebSocketMessageType.Text, true, Cancel);
        Assert.Equal("still-here", await KestrelGatewayFactory.ReceiveTextAsync(phoneSocket));
        // Logged just after the sockets are aborted, so it may trail the close the client saw.
        Assert.True(await GatewayFactory.EventuallyAsync(() => Task.FromResult(
            gateway.Logs.Events.Any(e => e.EventId.Id == 3003 && e.State.GetValueOrDefault("Client") == "kiosk"))), "the closing was not logged");
    }

    [Fact]
    public async Task RemovedClientKey_CutsItsLongPollInFlight()
    {
        await using var gateway = new KestrelGatewayFactory();
        await gateway.InitializeAsync();
        using var kiosk = gateway.CreateClient(TestUsers.AliceKiosk);
        var poll = kiosk.GetAsync("/api/socket.io/?EIO=4&transport=polling&sid=fake", Cancel); // Immich holds it up to 25 s
        await GatewayFactory.EventuallyAsync(() => Task.FromResult(gateway.Immich.Requests.Any(r => r.Path == "/api/socket.io/" && r.Query.Contains("sid=fake"))));

        gateway.WriteUsers(TestUsers.Configuration(TestUsers.AlicePhone));

        await Assert.ThrowsAsync<HttpRequestException>(() => poll.WaitAsync(GatewayFactory.ReloadDeadline, Cancel)); // cut, not answered
        Assert.True(await GatewayFactory.EventuallyAsync(() => Task.FromResult(
            gateway.Logs.Events.Any(e => e.EventId.Id == 3003 && e.State.GetValueOrDefault("Client") == "kiosk"))), "the cut was not logged");
    }

    [Theory]
    [InlineData("Subject")]
    [InlineData("Email")]
    public async Task RemovedTokenSubjectOrEmail_ClosesTheWebSocketsOfTokensItMatched(string setting)
    {
        var signing = new OidcSigning();
        await using var gateway = new OidcKestrelGatewayFactory(signing);
        await gateway.InitializeAsync();
        var token = signing.CreateToken(setting == "Subject"
            ? new Dictionary<string, object> { ["sub"] = "oidc|alice" }
            : new Dictionary<string, object> { ["sub"] = "someone-else", ["email"] = TestUsers.Alice.Email, ["email_verified"] = true });
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        await socket.ConnectAsync(gateway.SocketIoUrl, Cancel);
        await KestrelGatewayFactory.ReceiveTextAsync(socket);
        using var kioskSocket = await gateway.ConnectSocketIoAsync(TestUsers.AliceKiosk); // alice's client key stays

        var settings = TestUsers.Configuration();
        Assert.True(settings.Remove($"Gateway:Users:alice:{setting}"));
        gateway.WriteUsers(settings);

        Assert.True(await KestrelGatewayFactory.ReceiveUntilClosedAsync(socket), "the token's WebSocket stayed open after its user lost the " + setting);
        await kioskSocket.SendAsync(Encoding.UTF8.GetBytes("still-here"), WebSocketMessageType.Text, true, Cancel);
        Assert.Equal("still-here", await KestrelGatewayFactory.ReceiveTextAsync(kioskSocket));
    }

    [Fact]
    public async Task AddedClientKey_StartsWorking()
    {
        await using var gateway = new GatewayFactory();
        await gateway.InitializeAsync();
        gateway.WriteUsers(TestUsers.Configuration(TestUsers.AlicePhone));
        using var kiosk = gateway.CreateClient(TestUsers.AliceKiosk);
        await GatewayFactory.EventuallyAsync(async () => (await kiosk.GetAsync("/api/albums", Cancel)).StatusCode == HttpStatusCode.Unauthorized);

        gateway.WriteUsers(TestUsers.Configuration(TestUsers.AlicePhone, TestUsers.AliceKiosk));
        var accepted = await GatewayFactory.EventuallyAsync(async () => (await kiosk.GetAsync("/api/albums", Cancel)).StatusCode == HttpStatusCode.OK);

        Assert.True(accepted);
    }

    public static TheoryData<string> BadEdits => new()
    {
        "malformed-hash", "user-without-immich-key", "duplicate-hash", "not-json", "empty-file", "read-only-yes", "albums-single-value",
    };

    [Theory]
    [MemberData(nameof(BadEdits))]
    public async Task InvalidEdit_IsLogged_AndTheLastGoodConfigurationStaysInForce(string edit)
    {
        await using var gateway = new GatewayFactory();
        await gateway.InitializeAsync();
        using var kiosk = gateway.CreateClient(TestUsers.AliceKiosk);
        Assert.Equal(HttpStatusCode.OK, (await kiosk.GetAsync("/api/albums", Cancel)).StatusCode);
        var settings = TestUsers.Configuration(TestUsers.BobFrame); // would also drop alice's kiosk if it were accepted
        switch (edit)
        {
            case "malformed-hash":
                settings["Gateway:Users:bob:Clients:tv:KeySha256"] = "NOT-A-HASH";
                break;
            case "user-without-immich-key":
                settings["Gateway:Users:dave:Email"] = "dave@example.com";
                break;
            case "duplicate-hash":
                settings["Gateway:Users:ada:Clients:copy:KeySha256"] = TestUsers.BobFrame.KeySha256;
                break;
            case "read-only-yes": // the binder would throw, and the whole section would read as empty
                settings["Gateway:Users:bob:Clients:frame:ReadOnly"] = "yes";
                break;
            case "albums-single-value": // the binder would skip it: bob's frame would see every album
                settings["Gateway:Users:bob:Clients:frame:Albums"] = FakeImmich.AlbumOne.ToString();
                break;
        }

        if (edit == "not-json")
        {
            gateway.WriteUsersRaw("{ \"Gateway\": { \"Users\": ");
        }
        else if (edit == "empty-file")
        {
            gateway.WriteUsersRaw(""); // caught mid-write: unreadable, not "no users"
        }
        else
        {
            gateway.WriteUsers(settings);
        }
        var rejected = await GatewayFactory.EventuallyAsync(() => Task.FromResult(gateway.Logs.Events.Any(e => e.EventId.Id == 3002)));

        Assert.True(rejected, "the bad edit was not reported");
        Assert.Equal(HttpStatusCode.OK, (await kiosk.GetAsync("/api/albums", Cancel)).StatusCode);
        var report = gateway.Logs.Events.First(e => e.EventId.Id == 3002).Message;
        Assert.DoesNotContain("NOT-A-HASH", report);
        Assert.DoesNotContain(TestUsers.BobFrame.KeySha256, report);
    }

    [Fact]
    public async Task WhileTheUsersFileDoesNotParse_AnotherSourcesEdit_AppliesWithoutDroppingTheFilesUsers()
    {
        var directory = Directory.CreateTempSubdirectory("gateway-secret-");
        try
        {
            const string daveKey = "igw_dave_from_secret_dir_while_file_broken_0123";
            File.WriteAllText(Path.Combine(directory.FullName, "Gateway__Users__dave__ImmichApiKey"), TestUsers.Bob.ImmichKey);
            File.WriteAllText(Path.Combine(directory.FullName, "Gateway__Users__dave__Clients__tv__KeySha256"),
                Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(daveKey))));
            await using var gateway = new GatewayFactory();
            gateway.Settings["Gateway:ConfigDirectory"] = directory.FullName;
            await gateway.InitializeAsync();
            using var kiosk = gateway.CreateClient(TestUsers.AliceKiosk); // declared in the users file
            using var dave = gateway.CreateAnonymousClient(); // declared in the Secret directory
            dave.DefaultRequestHeaders.Add("x-api-key", daveKey);
            Assert.Equal(HttpStatusCode.OK, (await kiosk.GetAsync("/api/albums", Cancel)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await dave.GetAsync("/api/albums", Cancel)).StatusCode);

            gateway.WriteUsersRaw("{ \"Gateway\": { \"Users\": "); // an editor saved half a file
            Assert.True(await GatewayFactory.EventuallyAsync(() => Task.FromResult(gateway.Logs.Events.Any(e => e.EventId.Id == 3002))), "the broken file was not reported");
            File.Delete(Path.Combine(directory.FullName, "Gateway__Users__dave__Clients__tv__KeySha256")); // the operator revokes dave's tv
            var daveRevoked = await GatewayFactory.EventuallyAsync(async () => (await dave.GetAsync("/api/albums", Cancel)).StatusCode == HttpStatusCode.Unauthorized);

            Assert.True(daveRevoked, "the Secret directory's edit did not apply while the users file was broken");
            Assert.Equal(HttpStatusCode.OK, (await kiosk.GetAsync("/api/albums", Cancel)).StatusCode); // the file's users stay

            gateway.WriteUsers(TestUsers.Configuration(TestUsers.BobFrame)); // fixed, and without alice's kiosk
            Assert.True(await GatewayFactory.EventuallyAsync(async () => (await kiosk.GetAsync("/api/albums", Cancel)).StatusCode == HttpStatusCode.Unauthorized),
                "the repaired file's edit did not apply");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task EditRemovingEveryUser_RefusesEveryKey_WithoutAskingImmich_AndWarns()
    {
        await using var gateway = new GatewayFactory();
        await gateway.InitializeAsync();
        using var kiosk = gateway.CreateClient(TestUsers.AliceKiosk);
        Assert.Equal(HttpStatusCode.OK, (await kiosk.GetAsync("/api/albums", Cancel)).StatusCode);

        gateway.WriteUsers(new Dictionary<string, string?>()); // parses, and declares nobody: the operator revoked everyone
        var refused = await GatewayFactory.EventuallyAsync(async () => (await kiosk.GetAsync("/api/albums", Cancel)).StatusCode == HttpStatusCode.Unauthorized);
        var before = gateway.Immich.Requests.Count;
        var again = await kiosk.GetAsync("/api/albums", Cancel);

        Assert.True(refused, "the keys of a configuration without users were still accepted");
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.Equal(before, gateway.Immich.Requests.Count);
        Assert.Contains(gateway.Logs.Events, e => e.EventId.Id == 3004 && e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.DoesNotContain(gateway.Logs.Events, e => e.EventId.Id == 3002);
    }
}
