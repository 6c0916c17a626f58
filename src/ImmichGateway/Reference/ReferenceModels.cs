using System.Text.Json.Serialization;

namespace ImmichGateway.Reference;

/// <summary><c>PUT /api/albums/{id}/cover-image</c>.</summary>
internal sealed record SetCoverImageRequest(Guid? AssetId);

/// <summary><c>PUT /api/assets/{id}/archive</c>; no body archives.</summary>
internal sealed record ArchiveRequest(bool? IsArchived);

/// <summary><c>PUT /api/assets/{id}/favorite</c>; no body favorites.</summary>
internal sealed record FavoriteRequest(bool? IsFavorite);

/// <summary><c>POST /api/jobs</c>: a reference job name (thumbnail-generation…), a queue name, or an Immich manual job.</summary>
internal sealed record StartJobRequest(string? Name, bool? Force);

/// <summary>What <c>POST /api/libraries/{id}/remove-offline</c> answers.</summary>
internal sealed record RemoveOfflineResponse(bool ScanStarted, string Message);

/// <summary>One searchable field of <c>POST /api/search/metadata</c>.</summary>
internal sealed record SearchableField(
    string Name,
    string Type,
    string Description,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string?>? Values = null);

/// <summary>What <c>GET /api/search/metadata</c> answers.</summary>
internal sealed record SearchableFieldsResponse(IReadOnlyList<SearchableField> Fields, IReadOnlyList<string> Unavailable);

// What the reference routes answer, for the OpenAPI document. Pass-through answers are Immich's own DTOs; these list
// the fields clients rely on (Immich sends more).

/// <summary>A user as Immich embeds one (UserResponseDto).</summary>
internal sealed record ReferenceUser(Guid Id, string Name, string Email, string? AvatarColor);

/// <summary>An album member and their role (owner, editor, viewer).</summary>
internal sealed record ReferenceAlbumUser(ReferenceUser User, string Role);

/// <summary>An asset (Immich's AssetResponseDto; it has more fields).</summary>
internal sealed record ReferenceAsset(
    Guid Id, string Type, string OriginalFileName, string OriginalMimeType, DateTimeOffset FileCreatedAt, DateTimeOffset LocalDateTime,
    bool IsFavorite, bool IsTrashed, string Visibility, string? Thumbhash, string? Duration, Guid OwnerId);

/// <summary>Immich's AlbumResponseDto (every field of it), plus the reference's <c>ownerId</c>, <c>owner</c> and <c>assets</c>.</summary>
internal sealed record ReferenceAlbum(
    Guid Id, string AlbumName, string? Description, Guid? AlbumThumbnailAssetId, int AssetCount, bool Shared, bool HasSharedLink,
    bool IsActivityEnabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? StartDate, DateTimeOffset? EndDate,
    string? Order, IReadOnlyList<ReferenceAlbumUser> AlbumUsers, Guid? OwnerId, ReferenceUser? Owner, IReadOnlyList<ReferenceAsset>? Assets);

/// <summary>Immich's answer to POST /api/download/info.</summary>
internal sealed record ReferenceDownloadInfo(long TotalSize, IReadOnlyList<ReferenceDownloadArchive> Archives);

internal sealed record ReferenceDownloadArchive(long Size, IReadOnlyList<Guid> AssetIds);
