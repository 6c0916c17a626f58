using System.Security.Cryptography;
using System.Text;

namespace ImmichGateway.Tests.Fixtures;

/// <summary>An Immich user of the fake, with the Immich API key the gateway holds for them.</summary>
public sealed record ImmichUser(string Recorded, string GatewayName, string Id, string Name, string Email, bool IsAdmin, string ImmichKey);

/// <summary>A gateway client key: what a client app sends in x-api-key.</summary>
public sealed record TestClient(ImmichUser User, string Name, string Key)
{
    public string KeySha256 => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Key)));
}

/// <summary>The people of the recorded dataset (shared/immich/recorded/README.md) and their client apps.</summary>
public static class TestUsers
{
    public static readonly ImmichUser Ada = new("admin", "ada", "0e952b40-5820-4383-b9d3-7dc3d2aceaa6", "Ada Admin", "ada@example.com", true, "imk_ada_Zq3vN8pL2xW7rT5yU1oI9eA4sD6fG0hJ");
    public static readonly ImmichUser Alice = new("user1", "alice", "72650179-b1ca-458d-8ac9-f1fa32814fa0", "Alice Liddell", "alice@example.com", false, "imk_alice_Bm4nV7cX1zL9kJ3hG6fD0sA8pO2iU5yT");
    public static readonly ImmichUser Bob = new("user2", "bob", "431e7ef6-1108-4986-97f8-e85c6e35b2c6", "Bob Builder", "bob@example.com", false, "imk_bob_Qw8eR2tY6uI0oP4aS7dF1gH5jK9lZ3xC");

    /// <summary>A gateway user whose Immich key Immich no longer knows (revoked in Immich).</summary>
    public static readonly ImmichUser Revoked = new("revoked", "carol", "00000000-0000-4000-8000-000000000000", "Carol Revoked", "carol@example.com", false, "imk_carol_revoked_Pp0oO9iI8uU7yY6tT5rR");

    public static readonly ImmichUser[] ImmichUsers = [Ada, Alice, Bob];

    public static readonly TestClient AdaCli = new(Ada, "cli", "igw_ada_cli_7QX2m9PzL4wK8vN3bR6tY1cJ5hF0sD");
    public static readonly TestClient AliceKiosk = new(Alice, "kiosk", "igw_alice_kiosk_Lm3Nq8Rt2Vw7Xy1Zb6Cd4Ef9Gh0Jk5");
    public static readonly TestClient AlicePhone = new(Alice, "phone", "igw_alice_phone_Tr5Yu8Io2Pa6Sd9Fg3Hj7Kl1Zx4Cv0");
    public static readonly TestClient BobFrame = new(Bob, "frame", "igw_bob_frame_Mn6Bv9Cx2Za5Sd8Fg1Hj4Kl7Qw0Er3");
    public static readonly TestClient CarolScript = new(Revoked, "script", "igw_carol_script_Uy7Tr4Ew1Qa8Zs5Xd2Cf9Vg6Bh3Nj");

    public static readonly TestClient[] Clients = [AdaCli, AliceKiosk, AlicePhone, BobFrame, CarolScript];

    /// <summary>Every secret a test run knows; none of them may ever appear in a log line or a response.</summary>
    public static IEnumerable<string> AllSecrets =>
        Clients.Select(c => c.Key).Concat(new[] { Ada, Alice, Bob, Revoked }.Select(u => u.ImmichKey));

    /// <summary>The <c>Gateway:Users</c> section for these users, as configuration key/value pairs.</summary>
    public static Dictionary<string, string?> Configuration(params TestClient[] clients)
    {
        var settings = new Dictionary<string, string?>();
        foreach (var user in new[] { Ada, Alice, Bob, Revoked })
        {
            settings[$"Gateway:Users:{user.GatewayName}:ImmichApiKey"] = user.ImmichKey;
            settings[$"Gateway:Users:{user.GatewayName}:Email"] = user.Email;
            settings[$"Gateway:Users:{user.GatewayName}:Subject"] = $"oidc|{user.GatewayName}";
        }
        foreach (var client in clients.Length == 0 ? Clients : clients)
        {
            settings[$"Gateway:Users:{client.User.GatewayName}:Clients:{client.Name}:KeySha256"] = client.KeySha256;
        }
        return settings;
    }
}
