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
