namespace ImmichGateway.Immich;

// Immich's data, only the fields the gateway reads (Immich sends more; unknown fields are ignored).

internal sealed record ImmichUser(Guid Id, string Name, string? Email, bool? IsAdmin = null);

internal sealed record ImmichAlbumUser(ImmichUser User, string Role);

internal sealed record ImmichAlbum(
    Guid Id,
    string AlbumName,
    string? Description,
    Guid? AlbumThumbnailAssetId,
    int AssetCount,
    bool Shared,
    bool IsActivityEnabled,
    DateTimeOffset? StartDate,
    DateTimeOffset? EndDate,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? LastModifiedAssetTimestamp,
    List<ImmichAlbumUser>? AlbumUsers)
{
    /// <summary>When the album or its contents last changed.</summary>
    public DateTimeOffset LastUpdated => LastModifiedAssetTimestamp > UpdatedAt ? LastModifiedAssetTimestamp.Value : UpdatedAt;

    public ImmichUser? Owner => AlbumUsers?.FirstOrDefault(u => u.Role == "owner")?.User;
}

internal sealed record ImmichExif(
    string? Make, string? Model, string? LensModel, double? FNumber, double? FocalLength, int? Iso, string? ExposureTime,
    double? Latitude, double? Longitude, string? City, string? State, string? Country, string? Description,
    DateTimeOffset? DateTimeOriginal, long? FileSizeInByte, int? Rating);

internal sealed record ImmichPerson(Guid Id, string Name);

internal sealed record ImmichTag(Guid Id, string Name, string? Value, string? Color);

internal sealed record ImmichAsset(
    Guid Id,
    string Type,
    string OriginalFileName,
    string? OriginalMimeType,
    int? Width,
    int? Height,
    DateTimeOffset FileCreatedAt,
    bool IsFavorite,
    bool IsTrashed,
    string? Visibility,
    string? Duration,
    string? Thumbhash,
    ImmichExif? ExifInfo,
    List<ImmichPerson>? People,
    List<ImmichTag>? Tags);

internal sealed record ImmichSearchAssets(List<ImmichAsset> Items, string? NextPage);

internal sealed record ImmichSearchResult(ImmichSearchAssets Assets);

internal sealed record ImmichActivityStatistics(int Comments, int Likes);

internal sealed record ImmichActivity(Guid Id, Guid? AssetId, DateTimeOffset CreatedAt, string Type, string? Comment, ImmichUser User);

internal sealed record ImmichAssetStatistics(int Images, int Videos, int Total);

internal sealed record ImmichAlbumStatistics(int Owned, int Shared, int NotShared);

internal sealed record ImmichUserUsage(Guid UserId, string UserName, int Photos, int Videos, long Usage, long? QuotaSizeInBytes);

internal sealed record ImmichServerStatistics(int Photos, int Videos, long Usage, List<ImmichUserUsage> UsageByUser);
