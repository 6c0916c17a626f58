using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImmichGateway.Health;

/// <summary>
/// Immich answers its public ping (<c>GET /api/server/ping</c>), with no credential. The descriptions are fixed
/// phrases: <c>/health/dependencies</c> is anonymous and must not reveal addresses or error texts.
/// </summary>
internal sealed class ImmichHealthCheck(HttpClient http) : IHealthCheck
{
    public const string Name = "immich";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await http.GetAsync("api/server/ping", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy("reachable")
                : new HealthCheckResult(context.Registration.FailureStatus, $"answered {(int)response.StatusCode}");
        }
        catch (HttpRequestException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "unreachable");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "timed out");
        }
    }
}
