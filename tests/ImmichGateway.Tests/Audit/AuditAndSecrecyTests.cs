using System.Net;
using ImmichGateway.Tests.Fixtures;
using Microsoft.Extensions.Logging;

namespace ImmichGateway.Tests.Audit;

[Collection(GatewayCollection.Name)]
public sealed class AuditAndSecrecyTests(GatewayFactory gateway)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryRequest_WritesOneAuditEventWithUserClientRouteStatusAndDuration()
    {
        using var client = gateway.CreateClient(TestUsers.AlicePhone);
        var path = $"/api/albums/{Guid.NewGuid()}";

        var response = await client.GetAsync(path, Cancel);

        // The audit writer runs off the request path: give it a moment to drain.
        SpinWait.SpinUntil(() => gateway.Logs.Events.Any(e => e.EventId.Id == 6001 && e.State.GetValueOrDefault("Path") == path), TimeSpan.FromSeconds(10));
        var audit = Assert.Single(gateway.Logs.Events, e => e.EventId.Id == 6001 && e.State.GetValueOrDefault("Path") == path);
        Assert.Equal(LogLevel.Information, audit.Level);
        Assert.Equal("alice", audit.State["User"]);
        Assert.Equal("phone", audit.State["Client"]);
        Assert.Equal("GET", audit.State["Method"]);
        Assert.Equal(((int)response.StatusCode).ToString(), audit.State["StatusCode"]);
        Assert.True(double.Parse(audit.State["ElapsedMs"]!, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task NoKey_EverAppearsInLogsAtDebug_OrInResponses()
    {
        var responses = new List<string>();
        foreach (var client in TestUsers.Clients)
        {
            using var http = gateway.CreateClient(client);
            foreach (var secret in TestUsers.AllSecrets)
            {
                // Keys in every place a client could put one, on good and bad routes.
                foreach (var url in new[]
                         {
                             $"/api/albums?apiKey={secret}", $"/api/users/me?key={secret}&sessionKey={secret}",
                             $"/api/assets/{FakeImmich.ArchivedAsset}/thumbnail?slug={secret}", $"/api/server/ping?apiKey={secret}",
                             $"/api/nowhere?apiKey={secret}",
                         })
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, url);
                    request.Headers.Add("x-immich-share-key", secret);
                    request.Headers.Add("Cookie", $"immich_access_token={secret}");
                    var response = await http.SendAsync(request, Cancel);
                    responses.Add(response.Headers + "\n" + response.Content.Headers + "\n" + await response.Content.ReadAsStringAsync(Cancel));
                }
            }
        }
        using var anonymous = gateway.CreateAnonymousClient();
        foreach (var secret in TestUsers.AllSecrets)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/albums?apiKey={secret}");
            request.Headers.Add("x-api-key", secret);
            var response = await anonymous.SendAsync(request, Cancel);
            responses.Add(response.Headers + "\n" + await response.Content.ReadAsStringAsync(Cancel));
        }

        var logText = gateway.Logs.Events.Select(e => e.AllText).ToList();
        Assert.Contains(gateway.Logs.Events, e => e.Level == LogLevel.Debug); // the scan covered Debug
        foreach (var secret in TestUsers.AllSecrets)
        {
            Assert.DoesNotContain(logText, line => line.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(responses, body => body.Contains(secret, StringComparison.Ordinal));
        }
    }
}
