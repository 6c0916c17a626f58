using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace ImmichGateway.Caching;

/// <summary>
/// Every cache key, in one place. Images are keyed by what Immich serves (asset, size, edited, format), never by user:
/// one copy serves everyone Immich has let see it. Who may see it is a separate, per-user access record.
/// Users are named by a hash of the Immich key the gateway sends for them (never the key itself), so a changed key
/// starts with no records.
/// </summary>
internal static class CacheKeys
{
    public const string ServerStatistics = "server:statistics";

    /// <summary>The public server info routes that are cached (<c>/api/server/{name}</c>).</summary>
    public static readonly string[] ServerInfoNames = ["features", "config", "version", "media-types"];

    public const string InvalidationChannel = "evict";

    public const string AccessEpoch = "access-epoch";

    private static readonly ConcurrentDictionary<string, string> UserHashes = new(StringComparer.Ordinal);

    public static string ServerInfo(string name) => "server:" + name;

    public static string AdminStatus(string userHash) => "admin:" + userHash;

    /// <summary>A short, stable, non-reversible name for the Immich user behind <paramref name="immichKey"/>.</summary>
    public static string UserHash(string immichKey)
    {
        if (UserHashes.TryGetValue(immichKey, out var hash))
        {
            return hash;
        }
        hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("immich-gateway-user:" + immichKey)), 0, 16);
        if (UserHashes.Count < 10_000)
        {
            UserHashes[immichKey] = hash;
        }
        return hash;
    }

    /// <summary>The image Immich stores for this variant (<paramref name="format"/> null) or its conversion.</summary>
    public static string Image(Guid asset, ThumbnailSize size, bool edited, ImageFormat? format = null) =>
        $"img:{asset:N}:{(size == ThumbnailSize.Preview ? "p" : "t")}:{(edited ? "e" : "o")}{(format is { } f ? ":" + f.Extension : "")}";

    /// <summary>Every image key of an asset: both sizes, edited or not, as stored and converted.</summary>
    public static IEnumerable<string> AllImages(Guid asset)
    {
        foreach (var size in new[] { ThumbnailSize.Thumbnail, ThumbnailSize.Preview })
        {
            foreach (var edited in new[] { false, true })
            {
                yield return Image(asset, size, edited);
                foreach (var format in ImageFormat.All)
                {
                    yield return Image(asset, size, edited, format);
                }
            }
        }
    }

    /// <summary>The Redis hash of an asset's access records (field: user hash, value: expiry), in the current epoch.</summary>
    public static string Access(long epoch, Guid asset) => $"access:{epoch}:{asset:N}";
}

internal enum ThumbnailSize
{
    Thumbnail,
    Preview,
}
