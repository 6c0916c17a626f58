using ImmichGateway.Immich;
using ImmichGateway.OpenApi;

namespace ImmichGateway.Reference;

/// <summary>
/// The reference API (our users' document, written for an older Immich) served on Immich v3: every route Immich
/// renamed, re-shaped or removed, translated to the current operations. One table; each row names the reference route
/// and what it calls. Every {id} is a UUID constraint (<see cref="UuidRouteConstraint"/>), so current routes at the same
/// place (/api/albums/statistics, /api/users/me …) and ids Immich would refuse never match a row, and everything not
/// listed here goes through the proxy verbatim.
/// </summary>
internal static class ReferenceApi
{
    public const string Tag = "Reference API (translated to Immich v3)";

    /// <summary>The route constraint the table's rows use (<c>{id:uuid}</c>).</summary>
    public static IHostApplicationBuilder AddReferenceApi(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<RouteOptions>(options => options.SetParameterPolicy<UuidRouteConstraint>(UuidRouteConstraint.Name));
        builder.Services.AddSingleton<Yarp.ReverseProxy.Transforms.Builder.ITransformProvider, ReferenceQueryTransformProvider>(); // renamed parameters on proxied routes
        return builder;
    }

    public static RouteGroupBuilder MapReferenceApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags(Tag).RequireAuthorization()
            .AddEndpointFilter(PassImmichErrorsThrough)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)        // this client's limits (read-only, albums, routes)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)  // this client's rate limit
            .ProducesProblem(StatusCodes.Status502BadGateway);

        // reference route                                                           → current Immich
        api.MapGetAndHead("/server-info/ping", (HttpContext c, ImmichClient i) => ReferenceMisc.ForwardGetAsync("api/server/ping", c, i))
            .AllowAnonymous().Named("GetServerInfoPing", "GET /api/server/ping").ImmichJson("ServerPingResponse");
        api.MapGetAndHead("/server-info/stats", ReferenceMisc.StatisticsAsync)
            .Named("GetServerInfoStats", "GET /api/server/statistics (admin only)").ImmichJson("ServerStatsResponseDto").Produces(StatusCodes.Status403Forbidden);
        api.MapGetAndHead("/server-info/features", (HttpContext c, ImmichClient i) => ReferenceMisc.ForwardGetAsync("api/server/features", c, i))
            .AllowAnonymous().Named("GetServerInfoFeatures", "GET /api/server/features").ImmichJson("ServerFeaturesDto");

        api.MapGetAndHead("/albums/{id:uuid}", ReferenceAlbums.GetWithAssetsAsync)
            .Named("GetAlbumWithAssets", "GET /api/albums/{id} plus every asset via POST /api/search/metadata; adds `assets` and `owner`; ?withoutAssets=true skips the assets")
            .Produces<ReferenceAlbum>().Produces(StatusCodes.Status400BadRequest);
        api.MapPut("/albums/{id:uuid}", ReferenceAlbums.UpdateAsync).Named("UpdateAlbum", "PATCH /api/albums/{id}")
            .JsonObjectBody("UpdateAlbumDto").ImmichJson("AlbumResponseDto");
        api.MapGetAndHead("/albums/{id:uuid}/cover-image", ReferenceAlbums.GetCoverAsync)
            .Named("GetAlbumCoverImage", "GET /api/albums/{id} with the caller's key (every time) for its albumThumbnailAssetId, then that asset's " +
                "thumbnail as GET /api/assets/{id}/thumbnail serves it: the same size, edited and format, from the thumbnail cache when it can answer (404 if there is no cover)")
            .Image().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status406NotAcceptable);
        api.MapPut("/albums/{id:uuid}/cover-image", ReferenceAlbums.SetCoverAsync)
            .Named("SetAlbumCoverImage", "PATCH /api/albums/{id} {albumThumbnailAssetId}")
            .DocumentsBody<SetCoverImageRequest>(required: true).ImmichJson("AlbumResponseDto").ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        api.MapGetAndHead("/assets", ReferenceAssets.ListAsync)
            .Named("ListAssets", "POST /api/search/metadata; the body is the page's assets, the next page is in a Link header (rel=\"next\")")
            .Produces<ReferenceAsset[]>().ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapPut("/assets/{id:uuid}", ReferenceAssets.UpdateAsync)
            .Named("UpdateAsset", "PUT /api/assets/{id} with the body as sent, but the reference's isArchived as visibility (archive, or timeline for false)");
        api.MapDelete("/assets/{id:uuid}", ReferenceAssets.DeleteAsync).Named("DeleteAsset", "DELETE /api/assets {ids:[id], force}").Produces(StatusCodes.Status204NoContent);
        api.MapGetAndHead("/assets/{id:uuid}/thumbnail", ReferenceAssets.ThumbnailAsync)
            .Named("GetAssetThumbnail", "GET /api/assets/{id}/thumbnail (format is not an Immich parameter and is not forwarded: the gateway converts " +
                "Immich's image, or answers 406 when it cannot)")
            .Image().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status406NotAcceptable);
        api.MapPut("/assets/{id:uuid}/restore", ReferenceAssets.RestoreAsync).Named("RestoreAsset", "POST /api/trash/restore/assets {ids:[id]}")
            .ImmichJson("TrashResponseDto");
        api.MapPut("/assets/{id:uuid}/archive", ReferenceAssets.ArchiveAsync)
            .Named("ArchiveAsset", "PUT /api/assets/{id} {visibility: archive} ({\"isArchived\": false}: timeline)")
            .DocumentsBody<ArchiveRequest>().Produces<ReferenceAsset>().ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        api.MapPut("/assets/{id:uuid}/favorite", ReferenceAssets.FavoriteAsync)
            .Named("FavoriteAsset", "PUT /api/assets/{id} {isFavorite} (default true)")
            .DocumentsBody<FavoriteRequest>().Produces<ReferenceAsset>().ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        api.MapPost("/users", ReferenceUsers.CreateAsync).Named("CreateUser", "POST /api/admin/users (admin only)")
            .JsonObjectBody("UserAdminCreateDto").ImmichJson("UserAdminResponseDto", StatusCodes.Status201Created);
        api.MapPut("/users/{id:uuid}", ReferenceUsers.UpdateAsync).Named("UpdateUser", "PUT /api/admin/users/{id} (admin only)")
            .JsonObjectBody("UserAdminUpdateDto").ImmichJson("UserAdminResponseDto");
        api.MapDelete("/users/{id:uuid}", ReferenceUsers.DeleteAsync).Named("DeleteUser", "DELETE /api/admin/users/{id} with {} or {\"force\":true}").ImmichJson("UserAdminResponseDto");
        api.MapPut("/users/{id:uuid}/profile-image", ReferenceUsers.SetProfileImageAsync)
            .Named("SetUserProfileImage", "POST /api/users/profile-image when {id} is the caller; 403 otherwise (Immich cannot set another user's image)")
            .DocumentsImmichBody("CreateProfileImageDto", "multipart/form-data").ImmichJson("CreateProfileImageResponseDto", StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .DisableAntiforgery();

        api.MapPost("/libraries/{id:uuid}/remove-offline", ReferenceMisc.RemoveOfflineAsync)
            .Named("RemoveOfflineFiles", "POST /api/libraries/{id}/scan (Immich v3 removes offline files during scans)")
            .Produces<RemoveOfflineResponse>(StatusCodes.Status202Accepted);

        api.MapPost("/search/assets", ReferenceMisc.SearchAssetsAsync).Named("SearchAssets", "POST /api/search/metadata (same body)")
            .JsonObjectBody("MetadataSearchDto").ImmichJson("SearchResponseDto");
        api.MapGetAndHead("/search/metadata", ReferenceSearchFields.GetAsync)
            .Named("GetSearchableFields", "the fields of POST /api/search/metadata, with known values from GET /api/search/suggestions")
            .Produces<SearchableFieldsResponse>();

        api.MapPost("/jobs", ReferenceJobs.StartAsync)
            .Named("StartJob", "reference names start a queue: PUT /api/jobs/{queue} {command:start, force}; Immich manual jobs: POST /api/jobs")
            .DocumentsBody<StartJobRequest>(required: true).ImmichJson("QueueResponseLegacyDto").Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        api.MapDelete("/jobs/{name}", ReferenceJobs.CancelAsync)
            .Named("CancelJob", "DELETE /api/queues/{queue}/jobs {} (empties the queue's waiting jobs)")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapPut("/shared-links/{id:uuid}", ReferenceMisc.UpdateSharedLinkAsync).Named("UpdateSharedLink", "PATCH /api/shared-links/{id}")
            .JsonObjectBody("SharedLinkEditDto").ImmichJson("SharedLinkResponseDto");

        api.MapGetAndHead("/download/info", ReferenceMisc.DownloadInfoAsync)
            .Named("GetDownloadInfo", "POST /api/download/info (assetIds repeated or comma-separated, albumId, userId, archiveSize)")
            .Produces<ReferenceDownloadInfo>().ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGetAndHead("/download/archive", ReferenceMisc.DownloadArchiveAsync)
            .Named("DownloadArchive", "POST /api/download/archive, the zip streamed back")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream").ProducesProblem(StatusCodes.Status400BadRequest);

        return api;
    }

    /// <summary>
    /// A GET row, which answers HEAD as GET does (Kestrel sends no body to a HEAD; the OpenAPI document lists the GET):
    /// otherwise a HEAD would pass the row by and reach Immich untranslated (a 404, or Immich's own answer at that path).
    /// </summary>
    private static RouteHandlerBuilder MapGetAndHead(this IEndpointRouteBuilder api, string pattern, Delegate handler) =>
        api.MapMethods(pattern, [HttpMethods.Get, HttpMethods.Head], handler);

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

    /// <summary>
    /// Immich's JSON answer, passed through: documented with <paramref name="schema"/>, the translated Immich operation's
    /// response schema (copied from Immich's OpenAPI document, <see cref="ImmichSchemas"/>).
    /// </summary>
    private static RouteHandlerBuilder ImmichJson(this RouteHandlerBuilder builder, string schema, int status = StatusCodes.Status200OK) =>
        builder.Produces(status, contentType: "application/json").WithMetadata(new ImmichResponseMetadata(status, schema));

    /// <summary>
    /// A JSON object passed to Immich unchanged; anything else is refused before Immich is called. Documented with
    /// <paramref name="schema"/>, the translated Immich operation's request schema.
    /// </summary>
    private static RouteHandlerBuilder JsonObjectBody(this RouteHandlerBuilder builder, string schema) =>
        builder.DocumentsImmichBody(schema)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

    private static RouteHandlerBuilder Image(this RouteHandlerBuilder builder) =>
        builder.Produces(StatusCodes.Status200OK, (Type?)null, "image/webp", "image/jpeg").Produces(StatusCodes.Status304NotModified);

    private static RouteHandlerBuilder Named(this RouteHandlerBuilder builder, string name, string translatesTo) =>
        builder.WithName(name).WithDescription($"Translated by the gateway to: {translatesTo}.");
}
