using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace ImmichGateway.Tests.Fixtures;

/// <summary>An album the fake holds: who owns it, who it is shared with (and how), its assets, its cover.</summary>
public sealed class FakeAlbum(Guid id, string name, ImmichUser owner)
{
    public Guid Id { get; } = id;
    public string Name { get; } = name;
    public ImmichUser Owner { get; } = owner;
    public Dictionary<ImmichUser, string> Members { get; } = [];
    public List<JsonObject> Assets { get; } = [];
    public Guid? Cover { get; set; }
    public bool ActivityEnabled { get; set; } = true;
    public List<JsonObject> Activities { get; } = [];

    /// <summary>When the album last changed (its <c>updatedAt</c> and <c>lastModifiedAssetTimestamp</c>); the recording's when null.</summary>
    public DateTimeOffset? UpdatedAt { get; set; }

    public bool CanRead(ImmichUser user) => user == Owner || Members.ContainsKey(user);
}

/// <summary>
/// The fake's library state: the recorded albums, plus albums tests add (thousands of generated assets for paging).
/// GET/PATCH /api/albums/{id}, DELETE /api/albums/{id}/user/{userId} (a UUID or "me") and POST /api/search/metadata
/// with <c>albumIds</c> answer from it, with Immich's access rules (400 "Not found or no album.read access") and paging
/// (<c>nextPage</c> as a string, size ≤ 1000).
/// </summary>
public sealed partial class FakeImmich
{
    public static readonly Guid AlbumOne = Guid.Parse("1001bb5e-afab-4dd6-918c-53bf41379a9d");
    public static readonly Guid AlbumTwo = Guid.Parse("f17eb969-3a94-499e-9d42-d0d4017680ea");

    private readonly ConcurrentDictionary<Guid, FakeAlbum> _albums = SeedAlbums();

    /// <summary>
    /// Answer album lists, asset details, activity and /users/me from the library state instead of the recordings
    /// (set by tests that own their fake and build their own albums).
    /// </summary>
    public bool ServeFromState { get; set; }

    /// <summary>Operation ids that fail with a 500 (to prove a screen degrades one part only).</summary>
    public ConcurrentDictionary<string, bool> Failing { get; } = new();

    /// <summary>
    /// Operation ids a test answers itself, after the fake's checks of key, admin and body: an answer no Immich gives
    /// (what a login portal or a broken proxy at Immich's address sends), or one held back. The function gets the
    /// request and its body, and returns true when it answered, false to let the fake answer as usual.
    /// </summary>
    public ConcurrentDictionary<string, Func<HttpContext, byte[], Task<bool>>> Intercepts { get; } = new();

    /// <summary>Adds a comment (or a like, when <paramref name="comment"/> is null) by <paramref name="user"/>.</summary>
    public void AddActivity(FakeAlbum album, ImmichUser user, Guid? assetId, string? comment)
    {
        var entry = UserEntry(user, "");
        album.Activities.Add(new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(), ["assetId"] = assetId?.ToString(), ["createdAt"] = "2026-11-27T10:56:55.526Z",
            ["comment"] = comment, ["type"] = comment is null ? "like" : "comment", ["user"] = entry["user"]!.DeepClone(),
        });
    }

    /// <summary>Adds an album owned by <paramref name="owner"/> with <paramref name="assetCount"/> generated assets.</summary>
    public FakeAlbum AddAlbum(int assetCount, ImmichUser owner, bool withCover = true, params (ImmichUser User, string Role)[] members)
    {
        var album = new FakeAlbum(Guid.NewGuid(), $"Generated {assetCount}", owner);
        foreach (var (user, role) in members)
        {
            album.Members[user] = role;
        }
        var template = Recordings.Get("GET_api_assets_{id}.admin.json").Body!.AsObject();
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < assetCount; i++)
        {
            var asset = template.DeepClone().AsObject();
            asset["id"] = Guid.NewGuid().ToString();
            asset["originalFileName"] = $"GEN_{i:D5}.{(i % 10 == 9 ? "mp4" : "jpg")}";
            asset["type"] = i % 10 == 9 ? "VIDEO" : "IMAGE";
            asset["duration"] = i % 10 == 9 ? "0:00:12.000000" : null;
            asset["fileCreatedAt"] = start.AddMinutes(i).ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
            asset["isFavorite"] = i % 7 == 0;
            album.Assets.Add(asset);
        }
        album.Cover = withCover && album.Assets.Count > 0 ? Guid.Parse(album.Assets[0]["id"]!.GetValue<string>()) : null;
        _albums[album.Id] = album;
        return album;
    }

    public FakeAlbum Album(Guid id) => _albums[id];

    /// <summary>Every album the fake holds, the ones clients created through the gateway included.</summary>
    public IReadOnlyCollection<FakeAlbum> Albums => _albums.Values.ToList();

    private static ConcurrentDictionary<Guid, FakeAlbum> SeedAlbums()
    {
        var one = new FakeAlbum(AlbumOne, "Summer Trip 2025", TestUsers.Ada) { Cover = Guid.Parse(AlbumOneAssets[0]) };
        one.Members[TestUsers.Alice] = "editor";
        one.Members[TestUsers.Bob] = "viewer";
        foreach (var file in new[] { "POST_api_search_metadata.albumIds-page2.admin.json", "POST_api_search_metadata.albumIds-page1.admin.json" })
        {
            one.Assets.AddRange(Recordings.Get(file).Body!["assets"]!["items"]!.AsArray().Select(a => a!.DeepClone().AsObject()).Reverse());
        }
        var two = new FakeAlbum(AlbumTwo, "Private Picks", TestUsers.Ada) { Cover = Guid.Parse(AlbumOneAssets[0]) };
        two.Assets.Add(Recordings.Get("GET_api_assets_{id}.admin.json").Body!.DeepClone().AsObject());
        return new ConcurrentDictionary<Guid, FakeAlbum>(new Dictionary<Guid, FakeAlbum> { [one.Id] = one, [two.Id] = two });
    }

    private async Task<bool> TryLibraryAsync(HttpContext context, ImmichOperation operation, Match match, ImmichUser user, byte[] body)
    {
        switch (operation.OperationId)
        {
            case var failing when Failing.ContainsKey(failing):
                await WriteErrorAsync(context, 500, "Internal server error");
                return true;

            case "getAlbumInfo" or "updateAlbumInfo":
                var id = Guid.Parse(match.Groups["id"].Value);
                if (!_albums.TryGetValue(id, out var album) || !album.CanRead(user))
                {
                    await WriteErrorAsync(context, 400, operation.OperationId == "getAlbumInfo" ? "Not found or no album.read access" : "Not found or no album.update access");
                    return true;
                }
                if (operation.OperationId == "updateAlbumInfo" && TryParseJson(body)?["albumThumbnailAssetId"]?.GetValue<string>() is { } cover)
                {
                    if (!album.Assets.Any(a => a["id"]!.GetValue<string>() == cover))
                    {
                        await WriteErrorAsync(context, 400, "Invalid album thumbnail");
                        return true;
                    }
                    album.Cover = Guid.Parse(cover);
                }
                if (id == AlbumOne && operation.OperationId == "getAlbumInfo")
                {
                    return false; // the recordings answer, byte for byte
                }
                await WriteJsonAsync(context, 200, AlbumJson(album));
                return true;

            case "removeUserFromAlbum":
                // Immich's AlbumService.removeUser: "me" is the caller; anyone may leave, only the owner removes others.
                var named = match.Groups["userId"].Value;
                var leaving = named == "me" ? user : TestUsers.ImmichUsers.FirstOrDefault(u => u.Id == named);
                if (!_albums.TryGetValue(Guid.Parse(match.Groups["id"].Value), out var left))
                {
                    await WriteErrorAsync(context, 400, "Album not found");
                    return true;
                }
                if (leaving is null || !left.CanRead(leaving))
                {
                    await WriteErrorAsync(context, 400, "Album not shared with user");
                    return true;
                }
                if (leaving == left.Owner)
                {
                    await WriteErrorAsync(context, 400, "Cannot remove the last album owner");
                    return true;
                }
                if (leaving != user && left.Owner != user)
                {
                    await WriteErrorAsync(context, 400, "Not found or no album.share access");
                    return true;
                }
                left.Members.Remove(leaving);
                context.Response.StatusCode = 204;
                return true;

            case "searchAssets" when TryParseJson(body) is JsonObject search && search["albumIds"] is JsonArray albumIds:
                if (Recordings.All.Any(r => r.RequestBody is not null && JsonNode.DeepEquals(r.RequestBody, search)))
                {
                    return false; // a recorded search: answer as the real server did
                }
                if (!IsValidSearch(search, albumIds))
                {
                    await WriteErrorAsync(context, 400, "Validation failed"); // Immich validates the DTO before searching
                    return true;
                }
                var page = search["page"]?.GetValue<int>() ?? 1;
                var size = search["size"]?.GetValue<int>() ?? 250;
                if (size > 1000)
                {
                    await WriteJsonAsync(context, 400, new JsonObject
                    {
                        ["message"] = "Validation failed",
                        ["errors"] = new JsonArray(new JsonObject { ["origin"] = "number", ["code"] = "too_big", ["maximum"] = 1000, ["inclusive"] = true, ["path"] = new JsonArray("size"), ["message"] = "Too big: expected number to be <=1000" }),
                    });
                    return true;
                }
                var ascending = search["order"]?.GetValue<string>() == "asc";
                // Immich's inAlbums: the assets that are in every album listed, not in any of them.
                var listed = albumIds.Select(a => Guid.Parse(a!.GetValue<string>())).Distinct()
                    .Where(a => _albums.TryGetValue(a, out var found) && found.CanRead(user)).Select(a => _albums[a]).ToList();
                var assets = listed.Take(1).SelectMany(first => first.Assets)
                    .Where(a => listed.Skip(1).All(other => other.Assets.Any(o => o["id"]!.GetValue<string>() == a["id"]!.GetValue<string>())))
                    .Where(a => search["isFavorite"] is null || a["isFavorite"]!.GetValue<bool>() == search["isFavorite"]!.GetValue<bool>());
                var ordered = (ascending ? assets.OrderBy(FileCreatedAt) : assets.OrderByDescending(FileCreatedAt)).ToList();
                var items = ordered.Skip((page - 1) * size).Take(size).Select(a => (JsonNode)a.DeepClone()).ToArray();
                var more = ordered.Count > page * size;
                await WriteJsonAsync(context, 200, new JsonObject
                {
                    ["albums"] = new JsonObject { ["total"] = 0, ["count"] = 0, ["items"] = new JsonArray(), ["facets"] = new JsonArray() },
                    ["assets"] = new JsonObject
                    {
                        ["total"] = items.Length, ["count"] = items.Length, ["items"] = new JsonArray(items), ["facets"] = new JsonArray(),
                        ["nextPage"] = more ? (page + 1).ToString() : null,
                    },
                });
                return true;

            case "getAllAlbums" when ServeFromState:
                var isShared = context.Request.Query["isShared"].ToString();
                var assetId = context.Request.Query["assetId"].ToString();
                var visible = _albums.Values.Where(a => a.CanRead(user) && a.Id != AlbumTwo || a.Owner == user)
                    .Where(a => isShared.Length == 0 || (a.Members.Count > 0) == (isShared == "true"))
                    .Where(a => assetId.Length == 0 || a.Assets.Any(x => x["id"]!.GetValue<string>() == assetId))
                    .Select(a => (JsonNode)AlbumJson(a)).ToArray();
                await WriteJsonAsync(context, 200, new JsonArray(visible));
                return true;

            case "getActivityStatistics" or "getActivities" when ServeFromState:
                var albumId = Guid.TryParse(context.Request.Query["albumId"], out var parsed) ? parsed : Guid.Empty;
                if (!_albums.TryGetValue(albumId, out var activityAlbum) || !activityAlbum.CanRead(user))
                {
                    await WriteErrorAsync(context, 400, "Not found or no album.read access");
                    return true;
                }
                var onAsset = context.Request.Query["assetId"].ToString();
                var activities = activityAlbum.Activities.Where(a => onAsset.Length == 0 || a["assetId"]?.GetValue<string>() == onAsset).ToList();
                await WriteJsonAsync(context, 200, operation.OperationId == "getActivities"
                    ? new JsonArray(activities.Select(a => (JsonNode)a.DeepClone()).ToArray())
                    : new JsonObject { ["comments"] = activities.Count(a => a["type"]!.GetValue<string>() == "comment"), ["likes"] = activities.Count(a => a["type"]!.GetValue<string>() == "like") });
                return true;

            case "getAssetInfo":
                // The recorded assets as recorded (unless the test serves from state), then the albums' assets; any
                // other id is Immich's 400, as recorded for a random one — never the fake's generic echo, which is
                // no asset.
                if (!ServeFromState && FindRecording(context.Request, context.Request.Path.Value!, user, body) is not null)
                {
                    return false;
                }
                var wanted = match.Groups["id"].Value;
                var holder = _albums.Values.FirstOrDefault(a => a.CanRead(user) && a.Assets.Any(x => x["id"]!.GetValue<string>() == wanted));
                if (holder is null)
                {
                    await WriteErrorAsync(context, 400, "Not found or no asset.read access");
                    return true;
                }
                await WriteJsonAsync(context, 200, holder.Assets.First(x => x["id"]!.GetValue<string>() == wanted).DeepClone());
                return true;

            case "getMyUser" when ServeFromState:
                var me = Recordings.Get("GET_api_users_me.user1.json").Body!.DeepClone().AsObject();
                (me["id"], me["name"], me["email"], me["isAdmin"]) = (user.Id, user.Name, user.Email, user.IsAdmin);
                await WriteJsonAsync(context, 200, me);
                return true;

            case "getSearchSuggestions":
                var type = context.Request.Query["type"].ToString();
                if (type is not ("country" or "state" or "city" or "camera-make" or "camera-model" or "camera-lens-model"))
                {
                    await WriteErrorAsync(context, 400, "Validation failed");
                    return true;
                }
                if (type == "camera-make")
                {
                    return false; // recorded
                }
                await WriteJsonAsync(context, 200, type == "camera-model" ? new JsonArray("RecCam Model 1", "RecCam Model 2") : new JsonArray());
                return true;

            default:
                return false;
        }
    }

    /// <summary>The parts of a search this fake reads have the types Immich's DTO requires (uuids, integers, a boolean, a string).</summary>
    private static bool IsValidSearch(JsonObject search, JsonArray albumIds) =>
        albumIds.All(a => a is JsonValue v && v.TryGetValue<string>(out var id) && Guid.TryParse(id, out _)) &&
        Is<int>(search["page"]) && Is<int>(search["size"]) && Is<string>(search["order"]) && Is<bool>(search["isFavorite"]);

    /// <summary>Absent, or a JSON value of type <typeparamref name="T"/>.</summary>
    private static bool Is<T>(JsonNode? node) => node is null || node is JsonValue value && value.TryGetValue<T>(out _);

    private static string FileCreatedAt(JsonObject asset) => asset["fileCreatedAt"]!.GetValue<string>();

    private static JsonObject AlbumJson(FakeAlbum album)
    {
        var json = Recordings.Get("GET_api_albums_{id}.admin.json").Body!.DeepClone().AsObject();
        json["id"] = album.Id.ToString();
        json["albumName"] = album.Name;
        json["albumThumbnailAssetId"] = album.Cover?.ToString();
        json["assetCount"] = album.Assets.Count;
        json["shared"] = album.Members.Count > 0;
        json["isActivityEnabled"] = album.ActivityEnabled;
        if (album.UpdatedAt is { } updated)
        {
            var text = updated.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
            json["updatedAt"] = text;
            json["lastModifiedAssetTimestamp"] = text;
        }
        json["description"] = album.Id == AlbumOne ? json["description"]?.DeepClone() : $"About {album.Name}";
        var users = new JsonArray(UserEntry(album.Owner, "owner"));
        foreach (var (member, role) in album.Members)
        {
            users.Add(UserEntry(member, role));
        }
        json["albumUsers"] = users;
        return json;
    }

    private static JsonObject UserEntry(ImmichUser user, string role) => new()
    {
        ["user"] = new JsonObject
        {
            ["id"] = user.Id, ["email"] = user.Email, ["name"] = user.Name, ["profileImagePath"] = "", ["avatarColor"] = "blue",
            ["profileChangedAt"] = "2026-11-27T10:56:54.989437+00:00",
        },
        ["role"] = role,
    };
}
