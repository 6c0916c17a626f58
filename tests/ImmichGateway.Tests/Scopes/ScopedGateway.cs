using ImmichGateway.Tests.Fixtures;
using ImmichGateway.Tests.Reference;

namespace ImmichGateway.Tests.Scopes;

/// <summary>Alice's apps with limits: a wall frame (read-only, album one only), an album app (album one only, not
/// read-only), a dashboard (read-only), a script (a route allow-list) and a chatty widget (a tiny rate limit); her
/// phone keeps full rights.</summary>
public sealed class ScopedGateway : ReferenceGateway
{
    public static readonly TestClient Frame = new(TestUsers.Alice, "frame", "igw_alice_frame_Fr4m3Fr4m3Fr4m3Fr4m3Fr4m3Fr4m3F");
    public static readonly TestClient Dashboard = new(TestUsers.Alice, "dashboard", "igw_alice_dash_D4shD4shD4shD4shD4shD4shD4shD4");
    public static readonly TestClient Script = new(TestUsers.Alice, "script", "igw_alice_script_Scr1ptScr1ptScr1ptScr1ptScr1pt");
    public static readonly TestClient Widget = new(TestUsers.Alice, "widget", "igw_alice_widget_W1dg3tW1dg3tW1dg3tW1dg3tW1dg3t");

    /// <summary>Album-scoped (album one) but not read-only: only the album rule stands between it and a write.</summary>
    public static readonly TestClient AlbumApp = new(TestUsers.Alice, "albumapp", "igw_alice_albumapp_A1bumA1bumA1bumA1bumA1bumA1b");

    public FakeAlbum AliceOther { get; private set; } = null!;

    public ScopedGateway() => AddClients(Settings);

    /// <summary>The limited clients' settings (also used by the Kestrel gateway of the WebSocket tests).</summary>
    public static void AddClients(IDictionary<string, string?> settings)
    {
        foreach (var client in new[] { Frame, Dashboard, Script, Widget, AlbumApp })
        {
            settings[$"Gateway:Users:alice:Clients:{client.Name}:KeySha256"] = client.KeySha256;
        }
        settings["Gateway:Users:alice:Clients:frame:ReadOnly"] = "true";
        settings["Gateway:Users:alice:Clients:frame:Albums:0"] = FakeImmich.AlbumOne.ToString();
        settings["Gateway:Users:alice:Clients:albumapp:Albums:0"] = FakeImmich.AlbumOne.ToString();
        settings["Gateway:Users:alice:Clients:dashboard:ReadOnly"] = "true";
        settings["Gateway:Users:alice:Clients:script:Routes:0"] = "GET /api/albums";
        settings["Gateway:Users:alice:Clients:script:Routes:1"] = "GET /api/albums/*";
        settings["Gateway:Users:alice:Clients:widget:RateLimit:PermitLimit"] = "3";
        settings["Gateway:Users:alice:Clients:widget:RateLimit:TokensPerSecond"] = "1";
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Immich.ServeFromState = true;
        AliceOther = Immich.AddAlbum(3, TestUsers.Alice);
    }
}
