using System.Diagnostics;
using System.Text;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Errors;

/// <summary>
/// "Bad input gets a clear answer": every endpoint the gateway answers itself (read from the running app, so a route
/// added later is swept too; not YARP's passthrough) gets a battery of bad ids, query parameters, bodies, headers and
/// methods (<see cref="BadInputs"/>). No answer may be a 5xx, none may hang, every 4xx of the gateway's own is a
/// problem document, Immich's errors pass through as Immich sent them, a gateway refusal never reaches Immich, and no
/// client credential ever does (<see cref="BadInputSweep.Violations"/>). An unhandled exception the gateway logs fails
/// the sweep too, whatever the client saw.
/// </summary>
public sealed class BadInputSweepTests(SweepGateway gateway) : IClassFixture<SweepGateway>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private IReadOnlyList<SweptEndpoint> Endpoints => SweptEndpoint.Of(gateway.Services);

    [Fact]
    public void TheSweep_FindsEveryKindOfEndpointTheGatewayAnswersItself_AndNotTheProxy()
    {
        var routes = Endpoints.Select(e => e.ToString()).ToList();

        foreach (var expected in new[]
                 {
                     "GET /api/albums/{id:uuid}", "PUT /api/albums/{id:uuid}/cover-image", "GET /api/assets", "GET /api/assets/{id:uuid}/thumbnail",
                     "PUT /api/users/{id:uuid}/profile-image", "POST /api/jobs", "DELETE /api/jobs/{name}", "GET /api/download/archive",
                     "GET /bff/albums", "GET /bff/albums/{id}", "GET /bff/assets/{id}", "GET /bff/overview",
                     "GET /api/server/statistics", "GET /api/server/features", "GET /api/server-info/stats",
                     "GET /health/live", "GET /health/ready", "GET /health/dependencies", "GET /swagger/immich/swagger.json", "GET /metrics",
                 })
        {
            Assert.Contains(expected, routes);
        }
        Assert.Contains(routes, r => r.StartsWith("GET /swagger/{documentName}/swagger.", StringComparison.Ordinal));
        Assert.DoesNotContain(routes, r => r.Contains("**", StringComparison.Ordinal) || r.Contains(".well-known", StringComparison.Ordinal));
    }

    [Fact]
    public Task BadPathValues() => SweepAsync(BadInputs.ForPath);

    /// <summary>
    /// Every endpoint gets odd query strings; those that need a credential (the API: reference routes, screens, cached
    /// Immich routes) also get absurd values for every parameter the gateway reads. The anonymous ones — probes,
    /// documents, metrics, public server info — read no query parameter (the gateway's OpenAPI document takes ~0.3 s
    /// to generate, so 200 values each would be most of the sweep's time).
    /// </summary>
    [Fact]
    public Task BadQueryParameters() =>
        SweepAsync(e => e.IsAnonymous ? BadInputs.ForQuery() : BadInputs.ForQuery().Concat(BadInputs.ForQueryValues()));

    [Fact]
    public Task BadBodies() => SweepAsync(e => e.TakesBody ? BadInputs.ForBody() : []);

    [Fact]
    public Task OddHeaders() => SweepAsync(_ => BadInputs.ForHeaders());

    [Fact]
    public Task WrongMethods() => SweepAsync(BadInputs.ForMethod);

    [Fact]
    public Task Refusals_WithAnyAcceptHeader() => SweepAsync(BadInputs.ForRefusals);

    /// <summary>The checks are not vacuous: each kind of bad answer is reported.</summary>
    [Fact]
    public void TheChecks_ReportEachKindOfBadAnswer()
    {
        var endpoint = Endpoints.First(e => e.Route == "/bff/albums/{id}");
        var input = new BadInput("example");
        var immichCall = new SeenRequest("GET", "/api/albums/x", "", new Dictionary<string, string>(), "admin", 0, "", []);
        SweepAnswer Answer(int? status, string? type, string body, string? failure = null, params SeenRequest[] reached) =>
            new(endpoint, input, "GET", "/bff/albums/x", status, type, Encoding.UTF8.GetBytes(body), failure, reached);

        Assert.NotEmpty(BadInputSweep.Violations(Answer(500, "application/problem+json", "{\"status\":500}")));
        Assert.NotEmpty(BadInputSweep.Violations(Answer(502, "application/problem+json", "{\"status\":502}")));
        Assert.NotEmpty(BadInputSweep.Violations(Answer(null, null, "", failure: "no answer")));
        Assert.NotEmpty(BadInputSweep.Violations(Answer(400, null, "")));                                        // a bare gateway 400
        Assert.NotEmpty(BadInputSweep.Violations(Answer(400, "application/json", "{\"message\":\"x\"}")));     // not from Immich
        Assert.NotEmpty(BadInputSweep.Violations(Answer(400, "text/plain", "oops", null, immichCall)));          // not Immich's shape
        Assert.NotEmpty(BadInputSweep.Violations(Answer(400, "application/problem+json", "{\"status\":400}", null, immichCall)));
        Assert.NotEmpty(BadInputSweep.Violations(Answer(404, "application/problem+json", "{\"status\":400}")));
        var leaked = immichCall with { Query = "?format=jpeg&apiKey=x", Path = "/api/assets/x/thumbnail", Headers = new Dictionary<string, string> { ["x-api-key"] = TestUsers.AdaCli.Key, ["cookie"] = "immich_access_token=x" } };
        Assert.Equal(4, BadInputSweep.Violations(Answer(200, "image/webp", "", null, leaked)).Count());

        Assert.Empty(BadInputSweep.Violations(Answer(400, "application/problem+json", "{\"status\":400}")));
        Assert.Empty(BadInputSweep.Violations(Answer(400, "application/json", "{\"message\":\"Not found\"}", null, immichCall)));
        Assert.Empty(BadInputSweep.Violations(Answer(404, "application/problem+json", "{\"status\":404}", null, immichCall)));
        Assert.Empty(BadInputSweep.Violations(Answer(200, "application/json", "{}")));
    }

    private async Task SweepAsync(Func<SweptEndpoint, IEnumerable<BadInput>> battery)
    {
        var endpoints = Endpoints;
        var cases = endpoints.SelectMany(e => battery(e).Where((_, i) => !e.IsSampled || i % SweptEndpoint.SampleEvery == 0).Select(input => (e, input))).ToList();
        Assert.NotEmpty(cases);
        var (logged, fakeErrors) = (gateway.Logs.Events.Count, gateway.Immich.Errors.Count);
        var clock = Stopwatch.StartNew();

        var answers = await new BadInputSweep(gateway).RunAsync(cases, Cancel);

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{answers.Count} requests to {cases.Select(c => c.e).Distinct().Count()} of {endpoints.Count} endpoints in {clock.ElapsedMilliseconds} ms; " +
            $"statuses: {string.Join(", ", answers.GroupBy(a => a.Status?.ToString() ?? "none").OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}"))}");
        var report = BadInputSweep.Report(answers, BadInputSweep.ErrorsLogged(gateway.Logs, logged), gateway.Immich.Errors.Skip(fakeErrors));
        Assert.True(report.Count == 0, $"{report.Count} bad answers:\n{string.Join('\n', report.Take(60))}");
    }
}
