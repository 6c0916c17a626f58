namespace ImmichGateway.Health;

/// <summary>Health reporting and shutdown (section <c>Gateway:Health</c>).</summary>
internal sealed class HealthOptions
{
    public const string SectionName = "Gateway:Health";

    /// <summary>
    /// How long a dependency check result is reused. <c>/health/dependencies</c> is anonymous: however often it is
    /// called, Immich and Redis are asked at most once per this period.
    /// </summary>
    public TimeSpan DependencyCacheDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one dependency check may take before it counts as a failure.</summary>
    public TimeSpan DependencyTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// After SIGTERM, keep serving this long with <c>/health/ready</c> failing, so load balancers stop sending
    /// requests before the listener closes (Kubernetes removes a pod from its Service asynchronously). Then in-flight
    /// requests drain for the rest of <c>ASPNETCORE_SHUTDOWNTIMEOUTSECONDS</c>. Zero: stop at once.
    /// </summary>
    public TimeSpan ShutdownDelay { get; set; } = TimeSpan.Zero;
}
