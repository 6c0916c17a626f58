using System.Text.Json;
using System.Text.RegularExpressions;

namespace ImmichGateway.Caching;

/// <summary>What a successful write evicts.</summary>
internal enum EvictionScope
{
    /// <summary>The asset in the path: its images and everyone's access records for it.</summary>
    PathAsset,

    /// <summary>The assets listed in the JSON body (<c>ids</c> or <c>assetIds</c>): their images and access records.</summary>
    BodyAssets,

    /// <summary>Every access record: who may see what changed in a way the gateway cannot narrow down.</summary>
    AllAccess,
}

internal sealed record EvictionRule(string Method, Regex Path, EvictionScope Scope);

/// <summary>
/// The writes that change an asset's image, its visibility or who may see it, as Immich routes (what reaches Immich,
/// whether YARP forwarded it or a reference route translated it), and what each evicts after Immich answered 2xx.
/// Edits made outside the gateway are caught by the lifetimes instead (see README, "Caching").
/// </summary>
internal static partial class CacheEvictionRules
{
    private const string Id = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

    /// <summary>
    /// An album user as Immich's <c>/albums/{id}/user/{userId}</c> takes it: a UUID, or <c>me</c> for the caller
    /// (removeUserFromAlbum, updateAlbumUser in Immich's OpenAPI document). Immich compares <c>=== 'me'</c>, so only
    /// the lower-case word: any other spelling is not the caller to Immich either.
    /// </summary>
    private const string AlbumUser = $"(?:{Id}|(?-i:me))";

    public static readonly EvictionRule[] Table =
    [
        // method   Immich route                                  evicts
        Rule("PUT",    "/api/assets/{id}",                          EvictionScope.PathAsset),   // visibility, archive, favourite, date…
        Rule("PATCH",  "/api/assets/{id}",                          EvictionScope.PathAsset),
        Rule("PUT",    "/api/assets/{id}/edits",                    EvictionScope.PathAsset),   // crop/rotate: new edited image
        Rule("DELETE", "/api/assets/{id}/edits",                    EvictionScope.PathAsset),
        Rule("PUT",    "/api/assets",                               EvictionScope.BodyAssets),  // bulk update {ids}
        Rule("PATCH",  "/api/assets",                               EvictionScope.BodyAssets),
        Rule("DELETE", "/api/assets",                               EvictionScope.BodyAssets),  // delete / trash {ids}
        Rule("POST",   "/api/assets/jobs",                          EvictionScope.BodyAssets),  // regenerate-thumbnail… {assetIds}
        Rule("POST",   "/api/trash/restore/assets",                 EvictionScope.BodyAssets),  // restore {ids}
        Rule("POST",   "/api/trash/restore",                        EvictionScope.AllAccess),
        Rule("POST",   "/api/trash/empty",                          EvictionScope.AllAccess),
        Rule("PUT",    "/api/jobs/thumbnailGeneration",             EvictionScope.AllAccess),   // every thumbnail regenerated
        Rule("PUT",    "/api/albums/{id}/assets",                   EvictionScope.BodyAssets),  // album asset changes {ids}
        Rule("DELETE", "/api/albums/{id}/assets",                   EvictionScope.BodyAssets),
        Rule("PUT",    "/api/albums/assets",                        EvictionScope.BodyAssets),  // {albumIds, assetIds}
        Rule("PUT",    "/api/albums/{id}/users",                    EvictionScope.AllAccess),   // album membership
        Rule("PUT",    "/api/albums/{id}/user/{userId}",            EvictionScope.AllAccess),   // {userId}: a UUID or "me"
        Rule("DELETE", "/api/albums/{id}/user/{userId}",            EvictionScope.AllAccess),   // "me": the caller leaves
        Rule("DELETE", "/api/albums/{id}",                          EvictionScope.AllAccess),   // album deletion
        Rule("DELETE", "/api/shared-links/{id}",                    EvictionScope.AllAccess),   // shared-link deletion
        Rule("POST",   "/api/partners/{id}",                        EvictionScope.AllAccess),   // partner sharing
        Rule("PUT",    "/api/partners/{id}",                        EvictionScope.AllAccess),
        Rule("DELETE", "/api/partners/{id}",                        EvictionScope.AllAccess),
        Rule("DELETE", "/api/admin/users/{id}",                     EvictionScope.AllAccess),   // a user (and their assets) deleted
    ];

    /// <summary>Largest JSON body read for its ids; a larger one evicts every access record instead.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>The rule for this request, or null. Paths match as Immich matches them: any case, trailing slash ignored.</summary>
    public static EvictionRule? Find(string method, string? path)
    {
        if (path is null || HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
        {
            return null;
        }
        var trimmed = path.Length > 1 ? path.TrimEnd('/') : path;
        foreach (var rule in Table)
        {
            if (string.Equals(rule.Method, method, StringComparison.OrdinalIgnoreCase) && rule.Path.IsMatch(trimmed))
            {
                return rule;
            }
        }
        return null;
    }

    /// <summary>The asset id in the path of a <see cref="EvictionScope.PathAsset"/> rule.</summary>
    public static Guid? PathAsset(EvictionRule rule, string path) =>
        rule.Path.Match(path.TrimEnd('/')) is { Success: true } match && Guid.TryParse(match.Groups["id"].Value, out var id) ? id : null;

    /// <summary>The asset ids of a JSON body (<c>ids</c>, <c>assetIds</c>), or null when it cannot be read.</summary>
    public static IReadOnlyCollection<Guid>? BodyAssets(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            var ids = new HashSet<Guid>();
            foreach (var name in new[] { "ids", "assetIds" })
            {
                if (document.RootElement.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in list.EnumerateArray())
                    {
                        if (item.ValueKind == JsonValueKind.String && Guid.TryParse(item.GetString(), out var id))
                        {
                            ids.Add(id);
                        }
                    }
                }
            }
            return ids;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static EvictionRule Rule(string method, string template, EvictionScope scope)
    {
        var first = true;
        var escaped = Regex.Escape(template).Replace(@"\{id}", "{id}").Replace(@"\{userId}", AlbumUser);
        var pattern = IdPlaceholder().Replace(escaped, _ =>
        {
            var group = first ? $"(?<id>{Id})" : Id;
            first = false;
            return group;
        });
        return new EvictionRule(method, new Regex($"^{pattern}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled), scope);
    }

    [GeneratedRegex(@"\{id}")]
    private static partial Regex IdPlaceholder();
}
