using System.Net;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Keys;

/// <summary>A Kubernetes Secret mounted as a directory: one file per setting, picked up again when it changes.</summary>
public sealed class SecretDirectoryTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ClientKeyFromSecretDirectory_WorksAndIsRevokedWhenTheFileGoes()
    {
        var directory = Directory.CreateTempSubdirectory("gateway-secret-");
        try
        {
            var clientKey = "igw_dave_from_secret_dir_0123456789abcdefghijk";
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(clientKey)));
            File.WriteAllText(Path.Combine(directory.FullName, "Gateway__Users__dave__ImmichApiKey"), TestUsers.Bob.ImmichKey);
            File.WriteAllText(Path.Combine(directory.FullName, "Gateway__Users__dave__Clients__tv__KeySha256"), hash + "\n");
            await using var gateway = new GatewayFactory();
            gateway.Settings["Gateway:ConfigDirectory"] = directory.FullName;
            await gateway.InitializeAsync();
            using var client = gateway.CreateAnonymousClient();
            client.DefaultRequestHeaders.Add("x-api-key", clientKey);

            var before = await client.GetAsync("/api/users/me", Cancel);
            File.Delete(Path.Combine(directory.FullName, "Gateway__Users__dave__Clients__tv__KeySha256"));
            var deadline = DateTime.UtcNow.AddSeconds(20);
            HttpStatusCode after;
            do
            {
                await Task.Delay(200, Cancel); // the directory is polled (every few seconds)
                after = (await client.GetAsync("/api/users/me", Cancel)).StatusCode;
            }
            while (after == HttpStatusCode.OK && DateTime.UtcNow < deadline);

            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, after);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
