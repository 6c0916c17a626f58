namespace ImmichGateway.Observability;

/// <summary>The Prometheus scrape endpoint (section <c>Gateway:Metrics</c>).</summary>
internal sealed class MetricsOptions
{
    public const string SectionName = "Gateway:Metrics";

    /// <summary>Where Prometheus scrapes.</summary>
    public const string Path = "/metrics";

    /// <summary>Serve <see cref="Path"/>. Off: no Prometheus exporter at all (OTLP export is unaffected).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Answer <see cref="Path"/> only on connections to this local port (listen on it too, e.g.
    /// <c>ASPNETCORE_HTTP_PORTS=8080;9090</c>), so an Ingress in front of the main port never exposes metrics.
    /// Unset: every port.
    /// </summary>
    public int? Port { get; set; }
}
