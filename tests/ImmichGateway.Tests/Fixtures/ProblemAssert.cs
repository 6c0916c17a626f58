using System.Net;
using System.Text.Json;

namespace ImmichGateway.Tests.Fixtures;

public static class ProblemAssert
{
    /// <summary>The response is the gateway's own problem document with this status; returns its detail.</summary>
    public static async Task<string?> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
        return problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() : null;
    }
}
