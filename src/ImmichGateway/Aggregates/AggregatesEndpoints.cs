using System.Text;
using ImmichGateway.Immich;
using ImmichGateway.Scopes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImmichGateway.Aggregates;

/// <summary>
/// Whole screens in one call: minimal-API endpoints that compose Immich calls (with the caller's own key) into view
/// models. Independent calls run together; a failing optional part degrades that part only and is named in
/// <c>degraded</c>.
/// </summary>
internal static class AggregatesEndpoints
{
    public const int DefaultPageSize = 200;
    public const int MaxPageSize = 1000;
    public const int RecentAlbumCount = 6;

    public static RouteGroupBuilder MapAggregates(this IEndpointRouteBuilder app)
    {
        // What every screen may answer besides its own results: 401 (no or bad credential), 403 (the client's limits,
        // or Immich refusing the user), 429 (rate limit), 502 (Immich failed or unreachable), 503 (circuit open),
        // 504 (Immich too slow). 400 and 404 are declared by the handlers that return them.
        var group = app.MapGroup("/bff").WithTags("Aggregates (whole screens)").RequireAuthorization()
            .AddEndpointFilter(AggregateErrors.MapImmichErrorsAsync)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        group.MapScreen("/albums", GetAlbumsAsync).WithName("GetAlbumList")
            .ProducesProblem(StatusCodes.Status400BadRequest) // ?shared= that is not true or false
            .WithSummary("The caller's albums (owned and shared), newest first.")
            .WithDescription("Calls GET /api/albums (isShared when ?shared= is given).");
        group.MapScreen("/albums/{id}", GetAlbumAsync).WithName("GetAlbumScreen")
            .WithSummary("The album screen: album, owner and members, activity statistics and a page of assets.")
            .WithDescription("Calls GET /api/albums/{id}, GET /api/activities/statistics and POST /api/search/metadata together. Page with ?limit= (1-1000, default 200) and the returned nextCursor.");
        group.MapScreen("/assets/{id}", GetAssetAsync).WithName("GetAssetScreen")
            .WithSummary("The asset screen: asset with EXIF, people, tags, the albums containing it and their activity on it.");
        group.MapScreen("/overview", GetOverviewAsync).WithName("GetOverview")
            .WithSummary("The home screen: who the caller is, their statistics, their 6 latest albums, and server statistics for admins.");
        return group;
    }

    internal static async Task<Ok<IReadOnlyList<AlbumSummaryView>>> GetAlbumsAsync(bool? shared, ImmichClient immich, HttpContext context, CancellationToken cancellationToken)
    {
        var albums = await immich.GetAsync<List<ImmichAlbum>>(shared is { } s ? $"api/albums?isShared={(s ? "true" : "false")}" : "api/albums", cancellationToken);
        var scope = ClientScopes.Of(context); // an album-scoped client sees its albums only
        return TypedResults.Ok(Summaries(albums.Where(a => scope.Albums?.Contains(a.Id) ?? true)));
    }

    internal static async Task<Results<Ok<AlbumView>, BadRequestProblem, NotFoundProblem>> GetAlbumAsync(
        string id, string? cursor, int? limit, ImmichClient immich, CancellationToken cancellationToken)
    {
        if (!ImmichUuid.TryParse(id, out var albumId))
        {
            return AggregateErrors.BadRequest("The album id must be a UUID.");
        }
        if (!AlbumCursor.TryRead(cursor, limit, out var page, out var size, out var error))
        {
            return AggregateErrors.BadRequest(error);
        }

        // Three independent calls, together: the first page costs the same for 40 assets or 40,000.
        var albumTask = immich.GetAsync<ImmichAlbum>($"api/albums/{albumId}", cancellationToken);
        var activityTask = Optional(immich.GetAsync<ImmichActivityStatistics>($"api/activities/statistics?albumId={albumId}", cancellationToken));
        var pageTask = immich.PostAsync<ImmichSearchResult>("api/search/metadata", new { albumIds = new[] { albumId }, page, size }, cancellationToken);
        await Task.WhenAll(Quietly(albumTask), activityTask, Quietly(pageTask));

        var album = await albumTask; // Immich's "not found or no access" surfaces here (mapped to 404 by the filter)
        var assets = await pageTask;
        var activity = await activityTask;
        return TypedResults.Ok(new AlbumView(
            album.Id,
            album.AlbumName,
            string.IsNullOrEmpty(album.Description) ? null : album.Description,
            album.AssetCount,
            album.StartDate,
            album.EndDate,
            album.Shared,
            album.IsActivityEnabled,
            album.LastUpdated,
            album.AlbumThumbnailAssetId is { } cover ? AssetUrls.Thumbnail(cover) : null,
            album.Owner is { } owner ? PersonView.From(owner) : null,
            album.AlbumUsers.Select(u => new AlbumMemberView(u.User.Id, u.User.Name, u.Role)).ToList(),
            activity is null ? null : new ActivityStatisticsView(activity.Comments, activity.Likes),
            assets.Assets.Items.Select(AssetTileView.From).ToList(),
            int.TryParse(assets.Assets.NextPage, out var next) && next > page ? AlbumCursor.Write(next, size) : null,
            activity is null ? ["activity"] : []));
    }

    internal static async Task<Results<Ok<AssetDetailView>, BadRequestProblem, NotFoundProblem>> GetAssetAsync(
        string id, ImmichClient immich, HttpContext context, CancellationToken cancellationToken)
    {
        var scope = ClientScopes.Of(context);
        if (!ImmichUuid.TryParse(id, out var assetId))
        {
            return AggregateErrors.BadRequest("The asset id must be a UUID.");
        }

        var assetTask = immich.GetAsync<ImmichAsset>($"api/assets/{assetId}", cancellationToken);
        var albumsTask = Optional(immich.GetAsync<List<ImmichAlbum>>($"api/albums?assetId={assetId}", cancellationToken));
        await Task.WhenAll(Quietly(assetTask), albumsTask);
        var asset = await assetTask;
        var albums = (await albumsTask)?.Where(a => scope.Albums?.Contains(a.Id) ?? true).ToList(); // never name albums outside the client's
        var degraded = new List<string>();
        if (albums is null)
        {
            degraded.Add("albums");
        }

        // Activity on this asset, from each shared album that has activity on (one call per such album, together).
        var withActivity = (albums ?? []).Where(a => a.Shared && a.IsActivityEnabled).ToList();
        var activityTasks = withActivity.ToDictionary(a => a.Id,
            a => Optional(immich.GetAsync<List<ImmichActivity>>($"api/activities?albumId={a.Id}&assetId={assetId}", cancellationToken)));
        await Task.WhenAll(activityTasks.Values);
        if (activityTasks.Values.Any(t => t.Result is null))
        {
            degraded.Add("activity");
        }

        return TypedResults.Ok(new AssetDetailView(
            AssetTileView.From(asset),
            asset.OriginalFileName,
            asset.OriginalMimeType,
            asset.Visibility,
            asset.IsTrashed,
            ExifView.From(asset.ExifInfo),
            (asset.People ?? []).Select(p => new PersonView(p.Id, p.Name)).ToList(),
            (asset.Tags ?? []).Select(t => new TagView(t.Id, t.Value ?? t.Name, t.Color)).ToList(),
            albums?.Select(a => new AssetAlbumView(a.Id, a.AlbumName, a.Shared,
                activityTasks.TryGetValue(a.Id, out var activity)
                    ? activity.Result?.Select(x => new ActivityView(x.Id, x.Type, x.Comment, x.CreatedAt, PersonView.From(x.User))).ToList()
                    : null)).ToList(),
            degraded));
    }

    internal static async Task<Ok<OverviewView>> GetOverviewAsync(ImmichClient immich, CancellationToken cancellationToken)
    {
        var meTask = immich.GetAsync<ImmichUser>("api/users/me", cancellationToken);
        var assetsTask = Optional(immich.GetAsync<ImmichAssetStatistics>("api/assets/statistics", cancellationToken));
        var albumStatsTask = Optional(immich.GetAsync<ImmichAlbumStatistics>("api/albums/statistics", cancellationToken));
        var albumsTask = Optional(immich.GetAsync<List<ImmichAlbum>>("api/albums", cancellationToken));
        await Task.WhenAll(Quietly(meTask), assetsTask, albumStatsTask, albumsTask);
        var me = await meTask;

        // Server statistics are admin-only in Immich: asked only for admins, so a non-admin gets neither them nor an error.
        var server = me.IsAdmin == true ? await Optional(immich.GetAsync<ImmichServerStatistics>("api/server/statistics", cancellationToken)) : null;
        var degraded = new List<string>();
        AddIfMissing(degraded, "assets", assetsTask.Result);
        AddIfMissing(degraded, "albums", albumStatsTask.Result);
        AddIfMissing(degraded, "recentAlbums", albumsTask.Result);
        if (me.IsAdmin == true)
        {
            AddIfMissing(degraded, "server", server);
        }

        return TypedResults.Ok(new OverviewView(
            me.Name,
            me.IsAdmin == true,
            assetsTask.Result,
            albumStatsTask.Result,
            albumsTask.Result is { } albums ? Summaries(albums).Take(RecentAlbumCount).ToList() : null,
            server is null ? null : new ServerStatisticsView(server.Photos, server.Videos, server.Usage,
                server.UsageByUser.Select(u => new UserUsageView(u.UserId, u.UserName, u.Photos, u.Videos, u.Usage, u.QuotaSizeInBytes)).ToList()),
            degraded));
    }

    /// <summary>A screen on GET, and on HEAD as GET answers it (Kestrel sends no body to a HEAD): clients probe with HEAD.</summary>
    private static RouteHandlerBuilder MapScreen(this RouteGroupBuilder group, string pattern, Delegate handler) =>
        group.MapMethods(pattern, [HttpMethods.Get, HttpMethods.Head], handler);

    private static IReadOnlyList<AlbumSummaryView> Summaries(IEnumerable<ImmichAlbum> albums) =>
        albums.OrderByDescending(a => a.LastUpdated).Select(AlbumSummaryView.From).ToList();

    private static void AddIfMissing(List<string> degraded, string part, object? value)
    {
        if (value is null)
        {
            degraded.Add(part);
        }
    }

    /// <summary>An optional part: any failure but a revoked gateway key or a gone client becomes null.</summary>
    private static async Task<T?> Optional<T>(Task<T> task) where T : class
    {
        try
        {
            return await task;
        }
        catch (Exception ex) when (ex is not (ImmichKeyRejectedException or OperationCanceledException))
        {
            return null;
        }
    }

    /// <summary>Waits for a required call without throwing yet, so its siblings finish first.</summary>
    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch
        {
            // observed by the caller's await
        }
    }
}

/// <summary>The album screen's opaque paging cursor: the next Immich page and the page size it was asked with.</summary>
internal static class AlbumCursor
{
    public static string Write(int page, int size) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes($"{page}:{size}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryRead(string? cursor, int? limit, out int page, out int size, out string error)
    {
        page = 1;
        size = limit ?? AggregatesEndpoints.DefaultPageSize;
        error = "";
        if (size is < 1 or > AggregatesEndpoints.MaxPageSize)
        {
            error = $"limit must be between 1 and {AggregatesEndpoints.MaxPageSize}.";
            return false;
        }
        if (string.IsNullOrEmpty(cursor))
        {
            return true;
        }
        try
        {
            var text = cursor.Replace('-', '+').Replace('_', '/');
            var parts = Encoding.ASCII.GetString(Convert.FromBase64String(text.PadRight(text.Length + (4 - text.Length % 4) % 4, '='))).Split(':');
            if (parts.Length == 2 && int.TryParse(parts[0], out page) && int.TryParse(parts[1], out var pageSize) &&
                page > 1 && pageSize is >= 1 and <= AggregatesEndpoints.MaxPageSize)
            {
                size = pageSize; // a cursor keeps the page size it was made with, so pages never overlap
                return true;
            }
        }
        catch (FormatException)
        {
        }
        error = "The cursor is not one this gateway issued.";
        return false;
    }
}
