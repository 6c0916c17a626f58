using System.Globalization;
using ImmichGateway.Immich;

namespace ImmichGateway.Aggregates;

/// <summary>Where a client fetches an asset's images through the gateway (never the bytes themselves).</summary>
internal static class AssetUrls
{
    public static string Thumbnail(Guid id) => $"/api/assets/{id}/thumbnail?size=thumbnail";
    public static string Preview(Guid id) => $"/api/assets/{id}/thumbnail?size=preview";
    public static string Original(Guid id) => $"/api/assets/{id}/original";
    public static string Playback(Guid id) => $"/api/assets/{id}/video/playback";
}

/// <summary>A person as screens show one.</summary>
internal sealed record PersonView(Guid Id, string Name)
{
    public static PersonView From(ImmichUser user) => new(user.Id, user.Name);
}

/// <summary>One album in a list: what an album grid needs.</summary>
internal sealed record AlbumSummaryView(
    Guid Id,
    string Name,
    string? Description,
    int AssetCount,
    DateTimeOffset? StartDate,
    DateTimeOffset? EndDate,
    string? OwnerName,
    int MemberCount,
    bool Shared,
    string? CoverThumbnailUrl,
    DateTimeOffset LastUpdated)
{
    public static AlbumSummaryView From(ImmichAlbum album) => new(
        album.Id,
        album.AlbumName,
        string.IsNullOrEmpty(album.Description) ? null : album.Description,
        album.AssetCount,
        album.StartDate,
        album.EndDate,
        album.Owner?.Name,
        album.AlbumUsers.Count(u => u.Role != "owner"),
        album.Shared,
        album.AlbumThumbnailAssetId is { } cover ? AssetUrls.Thumbnail(cover) : null,
        album.LastUpdated);
}

/// <summary>A member of an album and their role (owner, editor, viewer).</summary>
internal sealed record AlbumMemberView(Guid Id, string Name, string Role);

/// <summary>Comments and likes on an album.</summary>
internal sealed record ActivityStatisticsView(int Comments, int Likes);

/// <summary>One tile of an album grid.</summary>
internal sealed record AssetTileView(
    Guid Id,
    string Type,
    int? Width,
    int? Height,
    double? Ratio,
    DateTimeOffset TakenAt,
    bool IsFavorite,
    double? DurationSeconds,
    string? Thumbhash,
    string ThumbnailUrl,
    string PreviewUrl,
    string OriginalUrl)
{
    public static AssetTileView From(ImmichAsset asset) => new(
        asset.Id,
        asset.Type,
        asset.Width,
        asset.Height,
        asset is { Width: > 0, Height: > 0 } ? Math.Round((double)asset.Width.Value / asset.Height.Value, 4) : null,
        asset.FileCreatedAt,
        asset.IsFavorite,
        asset.Type == "VIDEO" ? ParseDuration(asset.Duration) : null,
        asset.Thumbhash,
        AssetUrls.Thumbnail(asset.Id),
        AssetUrls.Preview(asset.Id),
        asset.Type == "VIDEO" ? AssetUrls.Playback(asset.Id) : AssetUrls.Original(asset.Id));

    /// <summary>Immich writes durations as <c>H:MM:SS.ffffff</c>.</summary>
    internal static double? ParseDuration(string? duration) =>
        TimeSpan.TryParseExact(duration, [@"h\:mm\:ss\.FFFFFFF", @"h\:mm\:ss"], CultureInfo.InvariantCulture, out var span) ? span.TotalSeconds : null;
}

/// <summary>The album screen: the album, its people, its activity, and one page of its assets.</summary>
internal sealed record AlbumView(
    Guid Id,
    string Name,
    string? Description,
    int AssetCount,
    DateTimeOffset? StartDate,
    DateTimeOffset? EndDate,
    bool Shared,
    bool IsActivityEnabled,
    DateTimeOffset LastUpdated,
    string? CoverThumbnailUrl,
    PersonView? Owner,
    IReadOnlyList<AlbumMemberView> Members,
    ActivityStatisticsView? Activity,
    IReadOnlyList<AssetTileView> Assets,
    string? NextCursor,
    IReadOnlyList<string> Degraded);

/// <summary>A comment or like.</summary>
internal sealed record ActivityView(Guid Id, string Type, string? Comment, DateTimeOffset CreatedAt, PersonView User);

/// <summary>An album that contains an asset, with its activity on that asset where the album has activity on.</summary>
internal sealed record AssetAlbumView(Guid Id, string Name, bool Shared, IReadOnlyList<ActivityView>? Activity);

internal sealed record ExifView(
    string? Make, string? Model, string? LensModel, double? FNumber, double? FocalLength, int? Iso, string? ExposureTime,
    double? Latitude, double? Longitude, string? City, string? State, string? Country, string? Description,
    DateTimeOffset? DateTimeOriginal, long? FileSizeInByte, int? Rating)
{
    public static ExifView? From(ImmichExif? exif) => exif is null ? null : new(
        exif.Make, exif.Model, exif.LensModel, exif.FNumber, exif.FocalLength, exif.Iso, exif.ExposureTime, exif.Latitude,
        exif.Longitude, exif.City, exif.State, exif.Country, string.IsNullOrEmpty(exif.Description) ? null : exif.Description,
        exif.DateTimeOriginal, exif.FileSizeInByte, exif.Rating);
}

internal sealed record TagView(Guid Id, string Name, string? Color);

/// <summary>The asset screen.</summary>
internal sealed record AssetDetailView(
    AssetTileView Asset,
    string OriginalFileName,
    string? MimeType,
    string? Visibility,
    bool IsTrashed,
    ExifView? Exif,
    IReadOnlyList<PersonView> People,
    IReadOnlyList<TagView> Tags,
    IReadOnlyList<AssetAlbumView>? Albums,
    IReadOnlyList<string> Degraded);

internal sealed record UserUsageView(Guid UserId, string UserName, int Photos, int Videos, long UsageBytes, long? QuotaBytes);

internal sealed record ServerStatisticsView(int Photos, int Videos, long UsageBytes, IReadOnlyList<UserUsageView> UsageByUser);

/// <summary>The home screen.</summary>
internal sealed record OverviewView(
    string Name,
    bool IsAdmin,
    ImmichAssetStatistics? Assets,
    ImmichAlbumStatistics? Albums,
    IReadOnlyList<AlbumSummaryView>? RecentAlbums,
    ServerStatisticsView? Server,
    IReadOnlyList<string> Degraded);
