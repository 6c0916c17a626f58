namespace ImmichGateway.Health;

/// <summary>The probe paths, in one place: the Helm chart, the compose healthcheck and the tests use these.</summary>
internal static class HealthEndpoints
{
    public const string Prefix = "/health";

    /// <summary>The process answers. Nothing else is checked: a restart would not fix anything else.</summary>
    public const string Live = "/health/live";

    /// <summary>The gateway can serve: configuration loaded and it is not shutting down. Immich and Redis do not count.</summary>
    public const string Ready = "/health/ready";

    /// <summary>Immich and Redis reachability, for people and monitors; never used as a probe.</summary>
    public const string Dependencies = "/health/dependencies";

    /// <summary>Tag of the checks behind <see cref="Dependencies"/>.</summary>
    public const string DependencyTag = "dependency";

    /// <summary>Tag of the checks behind <see cref="Ready"/>.</summary>
    public const string ReadyTag = "ready";
}
