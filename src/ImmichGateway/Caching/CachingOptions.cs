using System.ComponentModel.DataAnnotations;

namespace ImmichGateway.Caching;

/// <summary>
/// The cache (section <c>Caching</c>; Redis itself is <c>ConnectionStrings:Redis</c>, absent: in-memory only).
/// Every lifetime lives here, so tests can shorten them to milliseconds.
/// </summary>
internal sealed class CachingOptions : IValidatableObject
{
    public const string SectionName = "Caching";

    /// <summary>The connection string name (<c>ConnectionStrings:Redis</c>), in StackExchange.Redis' format.</summary>
    public const string RedisConnectionName = "Redis";

    /// <summary>Start of every Redis key and of the invalidation channel, so several gateways can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "immich-gateway:";

    /// <summary>How long a thumbnail or preview stays in Redis (each user revalidates it with Immich far more often: <see cref="AccessLifetime"/>).</summary>
    public TimeSpan ThumbnailLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long "Immich served this user this asset" is believed. A user's hits need such a record; when it expires,
    /// the next request asks Immich again (a conditional request: a 304 costs Immich no image bytes).
    /// </summary>
    public TimeSpan AccessLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an image stays in this process's memory before it is read from Redis again (bounds the staleness of a missed invalidation).</summary>
    public TimeSpan LocalLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <c>/api/server/statistics</c> is served from the cache (admins only).</summary>
    public TimeSpan StatisticsLifetime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the public server info (<c>features</c>, <c>config</c>, <c>version</c>, <c>media-types</c>) is cached.</summary>
    public TimeSpan ServerInfoLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long whether a user is an Immich admin (their <c>/api/users/me</c>) is believed.</summary>
    public TimeSpan AdminStatusLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Largest image (bytes) that is cached; larger ones are streamed through uncached.</summary>
    public int MaxEntryBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>
    /// Largest image (bytes) converted for <c>?format=</c> when it is not cached (over <see cref="MaxEntryBytes"/>, or
    /// sent without a Content-Length): Immich's answer is read into memory up to this size, and a larger one is refused
    /// with a 406 problem rather than served in another format. Cached images are always converted.
    /// </summary>
    public int MaxConversionBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>How many bytes of images this process keeps in memory at most.</summary>
    public long LocalSizeLimit { get; set; } = 256L * 1024 * 1024;

    /// <summary>How long any one Redis operation may take; past it, the request goes on without Redis.</summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>After a Redis operation timed out, Redis is left alone for this long (requests never queue behind a hung Redis).</summary>
    public TimeSpan RedisBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Quality of converted JPEGs (<c>?format=jpeg</c>), 1–100.</summary>
    public int JpegQuality { get; set; } = 85;

    /// <summary>Quality of converted WebPs (<c>?format=webp</c>), 1–100.</summary>
    public int WebpQuality { get; set; } = 80;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value) in new[]
                 {
                     (nameof(ThumbnailLifetime), ThumbnailLifetime), (nameof(AccessLifetime), AccessLifetime), (nameof(LocalLifetime), LocalLifetime),
                     (nameof(StatisticsLifetime), StatisticsLifetime), (nameof(ServerInfoLifetime), ServerInfoLifetime),
                     (nameof(AdminStatusLifetime), AdminStatusLifetime), (nameof(RedisTimeout), RedisTimeout), (nameof(RedisBackoff), RedisBackoff),
                 })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return new($"{SectionName}:{name} must be positive (a time span such as 00:01:00).", [name]);
            }
        }
        if (RedisTimeout > TimeSpan.FromSeconds(5))
        {
            yield return new($"{SectionName}:{nameof(RedisTimeout)} must be at most 5 seconds: a slow Redis must never hold a request.", [nameof(RedisTimeout)]);
        }
        if (MaxEntryBytes <= 0)
        {
            yield return new($"{SectionName}:{nameof(MaxEntryBytes)} must be a positive number of bytes.", [nameof(MaxEntryBytes)]);
        }
        if (MaxConversionBytes < MaxEntryBytes)
        {
            yield return new($"{SectionName}:{nameof(MaxConversionBytes)} must be at least {SectionName}:{nameof(MaxEntryBytes)} (every image that can be cached can be converted).", [nameof(MaxConversionBytes)]);
        }
        if (LocalSizeLimit < MaxEntryBytes)
        {
            yield return new($"{SectionName}:{nameof(LocalSizeLimit)} must be at least {SectionName}:{nameof(MaxEntryBytes)}.", [nameof(LocalSizeLimit)]);
        }
        if (string.IsNullOrWhiteSpace(KeyPrefix))
        {
            yield return new($"{SectionName}:{nameof(KeyPrefix)} must not be empty.", [nameof(KeyPrefix)]);
        }
        foreach (var (name, quality) in new[] { (nameof(JpegQuality), JpegQuality), (nameof(WebpQuality), WebpQuality) })
        {
            if (quality is < 1 or > 100)
            {
                yield return new($"{SectionName}:{name} must be from 1 to 100.", [name]);
            }
        }
    }
}
