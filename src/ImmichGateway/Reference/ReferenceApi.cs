using ImmichGateway.Immich;

namespace ImmichGateway.Reference;

/// <summary>
/// The reference API (our users' document, written for an older Immich) served on Immich v3: every route Immich
/// renamed, re-shaped or removed, translated to the current operations. One table; each row names the reference route
/// and what it calls. Every {id} is a UUID constraint, so current routes at the same place (/api/albums/statistics,
/// /api/users/me …) never match a row, and everything not listed here goes through the proxy verbatim.
/// </summary>
internal static class ReferenceApi
{
    public const string Tag = "Reference API (translated to Immich v3)";

    public static RouteGroupBuilder MapReferenceApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags(Tag).RequireAuthorization()
            .AddEndpointFilter(PassImmichErrorsThrough);

        // reference route                                                           → current Immich
        api.MapGet("/server-info/ping", (HttpContext c, ImmichClient i) => ReferenceMisc.ForwardGetAsync("api/server/ping", c, i))
            .AllowAnonymous().Named("GetServerInfoPing", "GET /api/server/ping");
        api.MapGet("/server-info/stats", (HttpContext c, ImmichClient i) => ReferenceMisc.ForwardGetAsync("api/server/statistics", c, i))
            .Named("GetServerInfoStats", "GET /api/server/statistics (admin only)");
        api.MapGet("/server-info/features", (HttpContext c, ImmichClient i) => ReferenceMisc.ForwardGetAsync("api/server/features", c, i))
            .AllowAnonymous().Named("GetServerInfoFeatures", "GET /api/server/features");

        api.MapGet("/albums/{id:guid}", ReferenceAlbums.GetWithAssetsAsync)
            .Named("GetAlbumWithAssets", "GET /api/albums/{id} plus every asset via POST /api/search/metadata; adds `assets` and `owner`; ?withoutAssets=true skips the assets");
        api.MapPut("/albums/{id:guid}", ReferenceAlbums.UpdateAsync).Named("UpdateAlbum", "PATCH /api/albums/{id}");
        api.MapGet("/albums/{id:guid}/cover-image", ReferenceAlbums.GetCoverAsync)
            .Named("GetAlbumCoverImage", "the album's albumThumbnailAssetId, then GET /api/assets/{that id}/thumbnail (404 if there is no cover)");
        api.MapPut("/albums/{id:guid}/cover-image", ReferenceAlbums.SetCoverAsync)
            .Named("SetAlbumCoverImage", "PATCH /api/albums/{id} {albumThumbnailAssetId}");

        api.MapGet("/assets", ReferenceAssets.ListAsync)
            .Named("ListAssets", "POST /api/search/metadata; the body is the page's assets, the next page is in a Link header (rel=\"next\")");
        api.MapDelete("/assets/{id:guid}", ReferenceAssets.DeleteAsync).Named("DeleteAsset", "DELETE /api/assets {ids:[id], force}");
        api.MapGet("/assets/{id:guid}/thumbnail", ReferenceAssets.ThumbnailAsync)
            .Named("GetAssetThumbnail", "GET /api/assets/{id}/thumbnail (format is not an Immich parameter and is not forwarded)");
        api.MapPut("/assets/{id:guid}/restore", ReferenceAssets.RestoreAsync).Named("RestoreAsset", "POST /api/trash/restore/assets {ids:[id]}");
        api.MapPut("/assets/{id:guid}/archive", ReferenceAssets.ArchiveAsync)
            .Named("ArchiveAsset", "PUT /api/assets/{id} {visibility: archive} ({\"isArchived\": false}: timeline)");
        api.MapPut("/assets/{id:guid}/favorite", ReferenceAssets.FavoriteAsync)
            .Named("FavoriteAsset", "PUT /api/assets/{id} {isFavorite} (default true)");

        api.MapPost("/users", ReferenceUsers.CreateAsync).Named("CreateUser", "POST /api/admin/users (admin only)");
        api.MapPut("/users/{id:guid}", ReferenceUsers.UpdateAsync).Named("UpdateUser", "PUT /api/admin/users/{id} (admin only)");
        api.MapDelete("/users/{id:guid}", ReferenceUsers.DeleteAsync).Named("DeleteUser", "DELETE /api/admin/users/{id} with {} or {\"force\":true}");
        api.MapPut("/users/{id:guid}/profile-image", ReferenceUsers.SetProfileImageAsync)
            .Named("SetUserProfileImage", "POST /api/users/profile-image when {id} is the caller; 403 otherwise (Immich cannot set another user's image)")
            .DisableAntiforgery();

        api.MapPost("/libraries/{id:guid}/remove-offline", ReferenceMisc.RemoveOfflineAsync)
            .Named("RemoveOfflineFiles", "POST /api/libraries/{id}/scan (Immich v3 removes offline files during scans)");

        api.MapPost("/search/assets", ReferenceMisc.SearchAssetsAsync).Named("SearchAssets", "POST /api/search/metadata (same body)");
        api.MapGet("/search/metadata", ReferenceSearchFields.GetAsync)
            .Named("GetSearchableFields", "the fields of POST /api/search/metadata, with known values from GET /api/search/suggestions");

        api.MapPost("/jobs", ReferenceJobs.StartAsync)
            .Named("StartJob", "reference names start a queue: PUT /api/jobs/{queue} {command:start, force}; Immich manual jobs: POST /api/jobs");
        api.MapDelete("/jobs/{name}", ReferenceJobs.CancelAsync)
            .Named("CancelJob", "DELETE /api/queues/{queue}/jobs {} (empties the queue's waiting jobs)");

        api.MapPut("/shared-links/{id:guid}", ReferenceMisc.UpdateSharedLinkAsync).Named("UpdateSharedLink", "PATCH /api/shared-links/{id}");

        api.MapGet("/download/info", ReferenceMisc.DownloadInfoAsync)
            .Named("GetDownloadInfo", "POST /api/download/info (assetIds repeated or comma-separated, albumId, userId, archiveSize)");
        api.MapGet("/download/archive", ReferenceMisc.DownloadArchiveAsync)
            .Named("DownloadArchive", "POST /api/download/archive, the zip streamed back");

        return api;
    }

    /// <summary>
    /// An error from Immich on a translated route keeps Immich's meaning: its status, headers and body go back as they
    /// are (answered here rather than by the exception handler, which would strip the ETag).
    /// </summary>
    private static async ValueTask<object?> PassImmichErrorsThrough(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (ImmichException error) when (!context.HttpContext.Response.HasStarted)
        {
            return error.ToResult();
        }
    }

    private static RouteHandlerBuilder Named(this RouteHandlerBuilder builder, string name, string translatesTo) =>
        builder.WithName(name).WithDescription($"Translated by the gateway to: {translatesTo}.");
}
