using System.Net;
using System.Text.Json.Nodes;
using ImmichGateway.Tests.Fixtures;
using ImmichGateway.Tests.Reference;
using Microsoft.Extensions.Http.Resilience;

namespace ImmichGateway.Tests.Aggregates;

/// <summary>The gateway's own Immich client: safe methods are retried, POSTs never; an open circuit is a 503 problem.</summary>
public sealed class ResilienceTests(FailingBffGateway gateway) : IClassFixture<FailingBffGateway>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FailingGet_IsRetriedTwice()
    {
        using var _ = new FailingOperation(gateway.Immich, "getAlbumInfo");

        var (response, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, "GET", $"/bff/albums/{gateway.Family.Id}?limit=5");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadGateway);
        Assert.Equal(3, seen.Count(s => (s.Method, s.Path) == ("GET", $"/api/albums/{gateway.Family.Id}")));
        Assert.Equal(1, seen.Count(s => (s.Method, s.Path) == ("POST", "/api/search/metadata")));
    }

    [Fact]
    public async Task FailingPost_IsNotRetried()
    {
        using var _ = new FailingOperation(gateway.Immich, "searchAssets");

        var (response, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, "GET", $"/bff/albums/{gateway.Family.Id}?limit=5");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadGateway);
        Assert.Equal(1, seen.Count(s => (s.Method, s.Path) == ("POST", "/api/search/metadata")));
        Assert.Equal(1, seen.Count(s => (s.Method, s.Path) == ("GET", $"/api/albums/{gateway.Family.Id}")));
    }

    [Fact]
    public async Task OpenCircuit_Is503Problem_AndImmichIsNotContacted()
    {
        await using var circuit = new CircuitBffGateway();
        await circuit.InitializeAsync();
        using (new FailingOperation(circuit.Immich, "getAllAlbums"))
        {
            await circuit.SendAsync(TestUsers.AliceKiosk, "GET", "/bff/albums"); // two failures open the circuit
        }

        var (response, seen) = await circuit.SendAsync(TestUsers.AliceKiosk, "GET", "/bff/albums"); // Immich is fine again

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Immich is unavailable", JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!["title"]!.GetValue<string>());
        Assert.Empty(seen);
    }

    /// <summary>A circuit breaker that opens after two failures and stays open for the test.</summary>
    private sealed class CircuitBffGateway : BffGateway
    {
        protected override void ConfigureImmichResilience(HttpStandardResilienceOptions options)
        {
            options.CircuitBreaker.MinimumThroughput = 2;
            options.CircuitBreaker.FailureRatio = 0.5;
            options.CircuitBreaker.BreakDuration = TimeSpan.FromMinutes(10);
        }
    }
}
