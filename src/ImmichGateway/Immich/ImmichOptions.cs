using System.ComponentModel.DataAnnotations;

namespace ImmichGateway.Immich;

/// <summary>Where the Immich server is and how long the gateway waits for it.</summary>
internal sealed class ImmichOptions : IValidatableObject
{
    public const string SectionName = "Immich";

    /// <summary>Root of the Immich server (not its <c>/api</c>); the proxy destination is derived from it.</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("http://localhost:2283");

    /// <summary>How long opening a connection to Immich may take before the client gets a 502.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a forwarded request may stay idle (no bytes either way), and how long one of the gateway's own calls to
    /// Immich may take until its answer's headers, retries included, before the client gets a 504; also how long Immich
    /// may go silent inside an answer the gateway reads (<see cref="ImmichAnswerStream"/>) or passes on.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>The circuit breaker watches twice the request timeout, and the resilience pipeline takes at most a day.</summary>
    public static readonly TimeSpan MaxRequestTimeout = TimeSpan.FromHours(12);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttp && BaseUrl.Scheme != Uri.UriSchemeHttps))
        {
            yield return new($"{SectionName}:BaseUrl must be an absolute http or https URL, e.g. http://immich-server:2283.", [nameof(BaseUrl)]);
        }
        else if (BaseUrl.AbsolutePath.TrimEnd('/').EndsWith("/api", StringComparison.OrdinalIgnoreCase))
        {
            yield return new($"{SectionName}:BaseUrl is the root of the Immich server, without /api (the gateway keeps the client's /api path).", [nameof(BaseUrl)]);
        }
        if (ConnectTimeout <= TimeSpan.Zero)
        {
            yield return new($"{SectionName}:ConnectTimeout must be positive.", [nameof(ConnectTimeout)]);
        }
        if (RequestTimeout <= TimeSpan.Zero || RequestTimeout > MaxRequestTimeout)
        {
            yield return new($"{SectionName}:RequestTimeout must be positive and at most {MaxRequestTimeout} (12 hours).", [nameof(RequestTimeout)]);
        }
    }
}
