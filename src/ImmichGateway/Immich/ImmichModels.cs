namespace ImmichGateway.Immich;

// Immich's data, only the fields the gateway reads (Immich sends more; unknown fields are ignored). Read strictly
// (ImmichClient.Answers): a field Immich's spec requires must be there, and only a nullable one may be null, so an
// answer that is not what Immich sends is a 502 problem rather than a null deep in a view. Fields the spec marks
// optional have defaults.

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
    DateTimeOffset UpdatedAt,
    List<ImmichAlbumUser> AlbumUsers,
    DateTimeOffset? StartDate = null,
    DateTimeOffset? EndDate = null,
    DateTimeOffset? LastModifiedAssetTimestamp = null)
{
    /// <summary>When the album or its contents last changed.</summary>
    public DateTimeOffset LastUpdated => LastModifiedAssetTimestamp > UpdatedAt ? LastModifiedAssetTimestamp.Value : UpdatedAt;

    public ImmichUser? Owner => AlbumUsers.FirstOrDefault(u => u.Role == "owner")?.User;
}

internal sealed record ImmichExif(
    string? Make = null, string? Model = null, string? LensModel = null, double? FNumber = null, double? FocalLength = null,
    int? Iso = null, string? ExposureTime = null, double? Latitude = null, double? Longitude = null, string? City = null,
    string? State = null, string? Country = null, string? Description = null, DateTimeOffset? DateTimeOriginal = null,
    long? FileSizeInByte = null, int? Rating = null);

internal sealed record ImmichPerson(Guid Id, string Name);

internal sealed record ImmichTag(Guid Id, string Name, string? Value, string? Color = null);

internal sealed record ImmichAsset(
    Guid Id,
    string Type,
    string OriginalFileName,
    int? Width,
    int? Height,
    DateTimeOffset FileCreatedAt,
    bool IsFavorite,
    bool IsTrashed,
    string? Visibility,
    string? Duration,
    string? Thumbhash,
    string? OriginalMimeType = null,
    ImmichExif? ExifInfo = null,
    List<ImmichPerson>? People = null,
    List<ImmichTag>? Tags = null);

internal sealed record ImmichSearchAssets(List<ImmichAsset> Items, string? NextPage);

internal sealed record ImmichSearchResult(ImmichSearchAssets Assets);

internal sealed record ImmichActivityStatistics(int Comments, int Likes);

internal sealed record ImmichActivity(Guid Id, Guid? AssetId, DateTimeOffset CreatedAt, string Type, ImmichUser User, string? Comment = null);

internal sealed record ImmichAssetStatistics(int Images, int Videos, int Total);

internal sealed record ImmichAlbumStatistics(int Owned, int Shared, int NotShared);

internal sealed record ImmichUserUsage(Guid UserId, string UserName, int Photos, int Videos, long Usage, long? QuotaSizeInBytes);

internal sealed record ImmichServerStatistics(int Photos, int Videos, long Usage, List<ImmichUserUsage> UsageByUser);
