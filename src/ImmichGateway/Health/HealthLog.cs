namespace ImmichGateway.Health;

internal static partial class HealthLog
{
    [LoggerMessage(9001, LogLevel.Warning, "Dependency {Dependency} is {Status}: {Description}")]
    public static partial void DependencyDown(ILogger logger, string dependency, string status, string? description);

    [LoggerMessage(9002, LogLevel.Information, "Dependency {Dependency} is {Status} again")]
    public static partial void DependencyRecovered(ILogger logger, string dependency, string status);

    [LoggerMessage(9003, LogLevel.Information, "Shutting down: /health/ready now fails; still serving for {DelaySeconds} s so load balancers can stop sending requests")]
    public static partial void ShutdownDelayed(ILogger logger, double delaySeconds);
}
