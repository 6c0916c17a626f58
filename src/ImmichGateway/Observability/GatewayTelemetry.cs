using System.Diagnostics;

namespace ImmichGateway.Observability;

/// <summary>
/// The gateway's own telemetry names: one <see cref="ActivitySource"/> and one meter, both called
/// <see cref="Name"/>. Features create their instruments on this meter (through <c>IMeterFactory</c>) and their spans
/// on <see cref="ActivitySource"/>; <see cref="ObservabilityExtensions.AddObservability"/> exports both.
/// </summary>
internal static class GatewayTelemetry
{
    public const string Name = "ImmichGateway";

    /// <summary>The value of <c>service.name</c> unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string ServiceName = "immich-gateway";

    public static readonly ActivitySource ActivitySource = new(Name);
}
