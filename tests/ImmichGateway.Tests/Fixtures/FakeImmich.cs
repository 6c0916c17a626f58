using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace ImmichGateway.Tests.Fixtures;

/// <summary>What the fake Immich received: the tests assert on this, not on what they hope was sent.</summary>
public sealed record SeenRequest(
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Headers,
    string? User,
    long BodyLength,
    string BodySha256,
    byte[] Body)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name);

    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>How the fake serves one asset's thumbnail and preview (<see cref="FakeImmich.ThumbnailServings"/>).</summary>
public enum ThumbnailServing
{
    /// <summary>As the recordings show: Immich's image type, Content-Length, ETag, ranges.</summary>
    AsRecorded,

    /// <summary>
    /// As <c>application/octet-stream</c>: what Immich's file sending (Express's sendFile) labels a file whose type it
    /// does not know. Still the declared type of the spec's 200.
    /// </summary>
    OctetStream,

    /// <summary>Without a Content-Length (chunked), as a streaming reverse proxy in front of Immich may re-send it.</summary>
    Chunked,

    /// <summary>With the recorded headers and type, but bytes no image decoder reads (a damaged file on Immich's disk).</summary>
    Unreadable,

    /// <summary><see cref="Unreadable"/> bytes, chunked.</summary>
    UnreadableChunked,
}

/// <summary>
/// A stateful stand-in for Immich 3.1 on a real loopback socket. Routes, public/admin-only flags, required bodies and
/// uuid parameters come from Immich's own OpenAPI document; answers come from the recordings of a real server, and
/// errors have the shapes OBSERVED.md lists (<c>{"message": …}</c>, 400 for no access, 404 "Cannot GET …").
/// Every request is recorded with its headers and a hash of its body.
/// </summary>
public sealed partial class FakeImmich : IAsyncDisposable
{
    public const string DelayHeader = "x-fake-delay-ms";

    /// <summary>SHA-1 of an asset Immich already has: an upload announcing it is a duplicate.</summary>
    public const string KnownChecksum = "dc684b0a7e3051880a14b340ce589946bc0106ed";

    public static readonly string[] AlbumOneAssets =
        ["1564c2d8-8ce2-4842-a7e8-9810c8e1e8fa", "f2cbfa21-be82-40f8-aaa0-c447f88279e5", "b761da16-8e5a-4083-a7db-c6a47937ba7d", "e58f9a9b-b468-45ba-ada3-7206e3dbbfdb"];

    public const string ArchivedAsset = "ce16dbbc-43b4-4c8a-ae9f-7a43106823fa";

    private static readonly string CacheControl = "private, max-age=86400, no-transform, stale-while-revalidate=2592000, stale-if-error=2592000";
    private const string UuidPattern = "/^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12})$/";
    private static readonly byte[] VideoBytes = Enumerable.Range(0, 1 << 20).Select(i => (byte)(i * 31 % 251)).ToArray();

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<SeenRequest> _requests = new();

    private FakeImmich(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyCollection<SeenRequest> Requests => _requests;

    /// <summary>Assets (by id) whose thumbnails are served otherwise than recorded, for tests of answers the cache does not store.</summary>
    public ConcurrentDictionary<string, ThumbnailServing> ThumbnailServings { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Assets (by id) whose thumbnail answers wait, once recorded, until the test completes the gate: a slow Immich
    /// for calls the gateway makes itself, which carry no header a test could set.
    /// </summary>
    public ConcurrentDictionary<string, TaskCompletionSource> ThumbnailGates { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// API keys beyond each user's own (which holds <c>all</c>), as <c>POST /api/api-keys</c> makes them: key → its
    /// owner and permissions. An operation whose <c>x-immich-permission</c> such a key lacks is Immich's 403
    /// "Missing required permission: …" (API-NOTES, after the admin check), and <c>GET /api/api-keys/me</c> lists them.
    /// </summary>
    public ConcurrentDictionary<string, (ImmichUser User, string[] Permissions)> ApiKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>Requests whose path or query contains <paramref name="marker"/> (tests use unique ids or paths).</summary>
    public IReadOnlyList<SeenRequest> RequestsMatching(string marker) =>
        _requests.Where(r => r.Path.Contains(marker, StringComparison.OrdinalIgnoreCase) || r.Query.Contains(marker, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>What reached the fake after the first <paramref name="skip"/> requests (for tests that own their fake).</summary>
    public IReadOnlyList<SeenRequest> RequestsSince(int skip) => _requests.Skip(skip).ToList();

    public static async Task<FakeImmich> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Limits.MaxRequestBodySize = null).UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var fake = new FakeImmich(app);
        app.UseWebSockets();
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUrl = new Uri(address);
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Exceptions the fake itself threw (a broken fake must not look like a broken gateway).</summary>
    public IReadOnlyCollection<Exception> Errors => _errors;

    private readonly ConcurrentQueue<Exception> _errors = new();

    private async Task HandleAsync(HttpContext context)
    {
        try
        {
            await HandleCoreAsync(context);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _errors.Enqueue(ex);
            throw;
        }
    }

    private async Task HandleCoreAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var user = ResolveApiKeyUser(request);

        if (request.Headers.TryGetValue(DelayHeader, out var delay))
        {
            await Task.Delay(int.Parse(delay!), context.RequestAborted);
        }

        if (path.StartsWith("/api/socket.io", StringComparison.OrdinalIgnoreCase))
        {
            Record(context, user?.Name, [], 0, "");
            await SocketIoAsync(context, user);
            return;
        }
        if (path.Equals("/.well-known/immich", StringComparison.OrdinalIgnoreCase))
        {
            Record(context, null, [], 0, "");
            await WriteRecordingAsync(context, Recordings.Get("GET_.well-known_immich.none.json"));
            return;
        }

        if (path.Equals("/api/spec.json", StringComparison.OrdinalIgnoreCase) && HttpMethods.IsGet(request.Method))
        {
            // Immich serves its runtime OpenAPI document here, anonymously (API-NOTES h).
            Record(context, null, [], 0, "");
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.SendFileAsync(ImmichSpec.DocumentPath, context.RequestAborted);
            return;
        }

        var operation = ImmichSpec.Find(request.Method, path, out var match) ?? ObservedExtra(request.Method, path, out match);

        // Uploads are streamed and hashed, never held in memory; every other body is read whole (they are small).
        if (operation?.OperationId == "uploadAsset" && user is not null)
        {
            await UploadAsync(context, user);
            return;
        }
        var (body, length, sha) = await ReadBodyAsync(request, context.RequestAborted);
        Record(context, user?.Name, body, length, sha);

        if (operation is null)
        {
            await WriteErrorAsync(context, 404, $"Cannot {request.Method} {path}");
            return;
        }
        if (!operation.IsPublic)
        {
            if (CredentialError(request, user) is { } authError)
            {
                await WriteErrorAsync(context, 401, authError);
                return;
            }
        }
        foreach (var name in operation.UuidParameters)
        {
            if (!ImmichUuid().IsMatch(match.Groups[name].Value)) // not Guid.TryParse: it also takes bare digits and braces
            {
                await WriteJsonAsync(context, 400, new JsonObject
                {
                    ["message"] = "Validation failed",
                    ["errors"] = new JsonArray(new JsonObject
                    {
                        ["origin"] = "string", ["code"] = "invalid_format", ["format"] = "uuid", ["pattern"] = UuidPattern,
                        ["path"] = new JsonArray(name), ["message"] = "Invalid UUID",
                    }),
                });
                return;
            }
        }
        if (operation.IsAdminOnly && user is { IsAdmin: false })
        {
            await WriteErrorAsync(context, 403, "Forbidden");
            return;
        }
        if (user is not null && ApiKeys.TryGetValue(PresentedKey(request), out var apiKey))
        {
            if (operation.Permission is { } permission && !apiKey.Permissions.Contains("all") && !apiKey.Permissions.Contains(permission))
            {
                await WriteErrorAsync(context, 403, $"Missing required permission: {permission}");
                return;
            }
            if (operation.OperationId == "getMyApiKey")
            {
                var mine = Recordings.Get("GET_api_api-keys_me.admin.json").Body!.DeepClone().AsObject();
                mine["permissions"] = new JsonArray(apiKey.Permissions.Select(p => (JsonNode)p!).ToArray());
                await WriteJsonAsync(context, 200, mine);
                return;
            }
        }
        if (operation.RequiresBody && length == 0)
        {
            await WriteJsonAsync(context, 400, new JsonObject
            {
                ["message"] = "Validation failed",
                ["errors"] = new JsonArray(new JsonObject { ["expected"] = "object", ["code"] = "invalid_type", ["path"] = new JsonArray(), ["message"] = "Invalid input: expected object, received undefined" }),
            });
            return;
        }

        if (Intercepts.TryGetValue(operation.OperationId, out var intercept) && await intercept(context, body))
        {
            return;
        }
        switch (operation.OperationId)
        {
            case "viewAsset":
                await ThumbnailAsync(context, match.Groups["id"].Value, user!);
                return;
            case "downloadAsset":
                await OriginalAsync(context, match.Groups["id"].Value, user!);
                return;
            case "playAssetVideo":
                await VideoAsync(context, match.Groups["id"].Value, user!);
                return;
        }

        if (await TryLibraryAsync(context, operation, match, user!, body) || await TryUploadStateAsync(context, operation, match, user!, body))
        {
            return;
        }

        if (FindRecording(request, path, user, body) is { } recording)
        {
            await WriteRecordingAsync(context, recording);
            return;
        }

        // Anything else Immich serves answers with its success status and an echo of what it understood, in the
        // content type the spec declares for that status (none: an empty body).
        var status = operation.SuccessStatus;
        var declared = operation.ContentTypes.GetValueOrDefault(status) ?? [];
        if (declared.Count == 0)
        {
            context.Response.StatusCode = status;
            return;
        }
        var echo = new JsonObject
        {
            ["operationId"] = operation.OperationId,
            ["method"] = request.Method,
            ["path"] = path,
            ["user"] = user?.Id,
            ["bodySha256"] = sha,
        };
        if (!declared.Contains("application/json"))
        {
            var bytes = Encoding.UTF8.GetBytes(echo.ToJsonString());
            context.Response.StatusCode = status;
            context.Response.ContentType = declared[0];
            context.Response.ContentLength = bytes.Length;
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
            return;
        }
        await WriteJsonAsync(context, status, echo);
    }

    /// <summary>Routes a running Immich 3.1.0 serves although its spec omits them (OBSERVED.md #7, #8).</summary>
    private static ImmichOperation? ObservedExtra(string method, string path, out System.Text.RegularExpressions.Match match)
    {
        if (method == "PATCH")
        {
            var put = ImmichSpec.Find("PUT", path, out match);
            if (put?.OperationId is "updateAsset" or "updateAssets" or "updateUserAdmin")
            {
                return put;
            }
        }
        match = System.Text.RegularExpressions.Match.Empty;
        return null;
    }

    private ImmichUser? ResolveApiKeyUser(HttpRequest request)
    {
        var key = PresentedKey(request);
        return TestUsers.ImmichUsers.FirstOrDefault(u => u.ImmichKey == key) ?? (ApiKeys.TryGetValue(key, out var extra) ? extra.User : null);
    }

    private static string PresentedKey(HttpRequest request) =>
        request.Headers["x-api-key"].ToString() is { Length: > 0 } key ? key : request.Query["apiKey"].ToString();

    /// <summary>Immich's order (API-NOTES b): share key/slug, then session tokens, then API key. First match wins.</summary>
    private static string? CredentialError(HttpRequest request, ImmichUser? user)
    {
        var headers = request.Headers;
        if (headers.ContainsKey("x-immich-share-key") || request.Query.ContainsKey("key"))
        {
            return "Invalid share key";
        }
        if (headers.ContainsKey("x-immich-share-slug") || request.Query.ContainsKey("slug"))
        {
            return "Invalid share slug";
        }
        if (headers.ContainsKey("x-immich-user-token") || headers.ContainsKey("x-immich-session-token") ||
            request.Query.ContainsKey("sessionKey") || headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ||
            request.Cookies.ContainsKey("immich_access_token"))
        {
            return "Invalid user token";
        }
        if (headers.ContainsKey("x-api-key") || request.Query.ContainsKey("apiKey"))
        {
            return user is null ? "Invalid API key" : null;
        }
        return "Authentication required";
    }

    /// <summary>
    /// The recording for this request: same method, path and recorded query; the one whose JSON body equals the body
    /// sent wins, then the one that pins the most query parameters (<c>?isShared=true</c> over the plain list).
    /// </summary>
    private static Recording? FindRecording(HttpRequest request, string path, ImmichUser? user, byte[] body)
    {
        var method = request.Method;
        var sent = TryParseJson(body);
        var candidates = Recordings.All.Where(r =>
                r.Method == method && string.Equals(r.Path, path, StringComparison.OrdinalIgnoreCase) &&
                r.Query.All(q => request.Query[q.Key] == q.Value) && !r.File.Contains(".if-none-match.") && !r.File.Contains(".range-"))
            .OrderByDescending(r => sent is not null && r.RequestBody is not null && JsonNode.DeepEquals(sent, r.RequestBody))
            .ThenByDescending(r => r.Query.Count)
            .ToList();
        return candidates.FirstOrDefault(r => r.Auth == (user?.Recorded ?? "none"))
               ?? candidates.FirstOrDefault(r => r.Status is >= 200 and < 300 && r.Auth is "admin" or "none");
    }

    private static JsonNode? TryParseJson(byte[] body)
    {
        if (body.Length == 0)
        {
            return null;
        }
        try
        {
            var node = JsonNode.Parse(body);
            Materialize(node); // a duplicated key throws here, not later in whoever reads the body
            return node;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            return null; // Immich's JSON.parse keeps a duplicated key's last value; the fake treats such a body as none
        }
    }

    private static void Materialize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    Materialize(value);
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Materialize(item);
                }
                break;
        }
    }

    /// <summary>
    /// Express's check (its <c>fresh</c> package) before it answers 304 to If-None-Match: never with
    /// <c>Cache-Control: no-cache</c> in the request; <c>*</c>, or any listed tag equal to the ETag, weak or strong.
    /// </summary>
    private static bool IsFresh(HttpRequest request, string etag)
    {
        if (request.Headers.IfNoneMatch.ToString() is not { Length: > 0 } ifNoneMatch ||
            request.Headers.CacheControl.ToString().Contains("no-cache", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return ifNoneMatch.Trim() == "*" ||
               ifNoneMatch.Split(',').Select(tag => tag.Trim()).Any(tag => tag == etag || "W/" + tag == etag || tag == "W/" + etag);
    }

    private static async Task WriteRecordingAsync(HttpContext context, Recording recording)
    {
        var etag = recording.Headers.GetValueOrDefault("etag");
        if (etag is not null && IsFresh(context.Request, etag))
        {
            context.Response.StatusCode = 304;
            context.Response.Headers.ETag = etag;
            return;
        }
        context.Response.StatusCode = recording.Status;
        foreach (var (name, value) in recording.Headers)
        {
            if (name is not "content-length")
            {
                context.Response.Headers[name] = value;
            }
        }
        var bytes = recording.BodyBytes;
        context.Response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        }
    }

    private bool CanSee(ImmichUser user, string assetId) =>
        user.IsAdmin || AlbumOneAssets.Contains(assetId, StringComparer.OrdinalIgnoreCase) ||
        _uploads.Values.Any(u => u.Owner == user && string.Equals(u.Id.ToString(), assetId, StringComparison.OrdinalIgnoreCase)) ||
        _albums.Values.Any(a => a.CanRead(user) && a.Assets.Any(x => string.Equals(x["id"]!.GetValue<string>(), assetId, StringComparison.OrdinalIgnoreCase)));

    private async Task ThumbnailAsync(HttpContext context, string assetId, ImmichUser user)
    {
        var size = context.Request.Query["size"].ToString();
        if (size is not ("" or "thumbnail" or "preview" or "fullsize" or "original"))
        {
            await WriteErrorAsync(context, 400, "Validation failed");
            return;
        }
        if (!CanSee(user, assetId))
        {
            await WriteErrorAsync(context, 400, "Not found or no asset.view access");
            return;
        }
        if (size is "fullsize" or "original")
        {
            // Immich redirects relative to the thumbnail URL, keeping every query parameter but size (OBSERVED.md #6).
            var kept = context.Request.Query.Where(q => q.Key != "size")
                .SelectMany(q => q.Value.Select(v => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(v ?? "")}"));
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = "original?" + string.Join('&', kept);
            return;
        }
        var recording = Recordings.Get(size == "preview"
            ? "GET_api_assets_{id}_thumbnail__size=preview.admin.json"
            : "GET_api_assets_{id}_thumbnail.admin.json");
        if (ThumbnailGates.TryGetValue(assetId, out var gate))
        {
            await gate.Task.WaitAsync(context.RequestAborted);
        }
        var serving = ThumbnailServings.GetValueOrDefault(assetId);
        var bytes = serving is ThumbnailServing.Unreadable or ThumbnailServing.UnreadableChunked
            ? Encoding.ASCII.GetBytes(new string('?', recording.BodyBytes.Length))
            : recording.BodyBytes;
        if (serving is ThumbnailServing.Chunked or ThumbnailServing.UnreadableChunked)
        {
            await WriteChunkedAsync(context, bytes, recording.ContentType!, recording.Headers["etag"],
                recording.Headers["last-modified"], recording.Headers["content-disposition"]);
            return;
        }
        await WriteFileAsync(context, bytes, serving == ThumbnailServing.OctetStream ? "application/octet-stream" : recording.ContentType!,
            recording.Headers["etag"], recording.Headers["last-modified"], recording.Headers["content-disposition"]);
    }

    /// <summary>The headers <see cref="WriteFileAsync"/> sends (304 included), the body in two flushed writes and no Content-Length.</summary>
    private static async Task WriteChunkedAsync(HttpContext context, byte[] bytes, string contentType, string etag, string lastModified, string disposition)
    {
        var response = context.Response;
        response.Headers.CacheControl = CacheControl;
        response.Headers.ContentDisposition = disposition;
        response.Headers.ETag = etag;
        response.Headers.LastModified = lastModified;
        if (IsFresh(context.Request, etag))
        {
            response.StatusCode = 304;
            return;
        }
        response.ContentType = contentType;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }
        await response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), context.RequestAborted);
        await response.Body.FlushAsync(context.RequestAborted);
        await response.Body.WriteAsync(bytes.AsMemory(bytes.Length / 2), context.RequestAborted);
    }

    private async Task OriginalAsync(HttpContext context, string assetId, ImmichUser user)
    {
        if (!CanSee(user, assetId))
        {
            await WriteErrorAsync(context, 404, "Not Found");
            return;
        }
        var recording = Recordings.Get("GET_api_assets_{id}_original.admin.json");
        await WriteFileAsync(context, recording.BodyBytes, "image/jpeg", recording.Headers["etag"],
            recording.Headers["last-modified"], recording.Headers["content-disposition"]);
    }

    private async Task VideoAsync(HttpContext context, string assetId, ImmichUser user)
    {
        if (!CanSee(user, assetId))
        {
            await WriteErrorAsync(context, 400, "Not found or no asset.view access");
            return;
        }
        await WriteFileAsync(context, VideoBytes, "video/mp4", "W/\"100000-19454e19ee0\"", "Sat, 11 Jan 2025 10:21:00 GMT", "inline; filename*=UTF-8''clip.mp4");
    }

    /// <summary>As Express's sendFile: weak ETag, Last-Modified, ranges, 304s, private caching.</summary>
    private static Task WriteFileAsync(HttpContext context, byte[] bytes, string contentType, string etag, string lastModified, string disposition)
    {
        context.Response.Headers.CacheControl = CacheControl;
        context.Response.Headers.ContentDisposition = disposition;
        context.Response.Headers.AcceptRanges = "bytes"; // on 304s too, as in the recorded 304
        if (context.Request.Headers.CacheControl.ToString().Contains("no-cache", StringComparison.OrdinalIgnoreCase))
        {
            // Express's send asks fresh before it answers 304, and fresh never is with no-cache (ASP.NET's file result
            // would still answer 304); its range and precondition checks stay.
            context.Request.Headers.Remove("If-None-Match");
            context.Request.Headers.Remove("If-Modified-Since");
        }
        return Results.File(bytes, contentType, lastModified: DateTimeOffset.Parse(lastModified),
            entityTag: EntityTagHeaderValue.Parse(etag), enableRangeProcessing: true).ExecuteAsync(context);
    }

    private static async Task SocketIoAsync(HttpContext context, ImmichUser? user)
    {
        // Immich authenticates the socket.io handshake from its headers only (API-NOTES f).
        var headerKey = context.Request.Headers["x-api-key"].ToString();
        user = TestUsers.ImmichUsers.FirstOrDefault(u => u.ImmichKey == headerKey);
        if (user is null)
        {
            await WriteErrorAsync(context, 401, headerKey.Length == 0 ? "Authentication required" : "Invalid API key");
            return;
        }
        if (context.WebSockets.IsWebSocketRequest)
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await socket.SendAsync(Encoding.UTF8.GetBytes($"0{{\"sid\":\"fake\",\"user\":\"{user.Id}\"}}"), WebSocketMessageType.Text, true, context.RequestAborted);
            var buffer = new byte[16 * 1024];
            while (socket.State == WebSocketState.Open)
            {
                WebSocketReceiveResult received;
                try
                {
                    received = await socket.ReceiveAsync(buffer, context.RequestAborted);
                }
                catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
                {
                    return;
                }
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    return;
                }
                await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, context.RequestAborted);
            }
            return;
        }

        context.Response.ContentType = "text/plain; charset=UTF-8";
        if (HttpMethods.IsGet(context.Request.Method) && context.Request.Query.ContainsKey("sid"))
        {
            // An open session's long poll: engine.io holds it until there is something to send, at the latest its
            // ping interval (25 s), then sends a ping.
            await Task.Delay(TimeSpan.FromSeconds(25), context.RequestAborted);
            await context.Response.WriteAsync("2", context.RequestAborted);
            return;
        }
        await context.Response.WriteAsync(HttpMethods.IsPost(context.Request.Method)
            ? "ok"
            : $"0{{\"sid\":\"fake\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000,\"user\":\"{user.Id}\"}}");
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string message) =>
        WriteJsonAsync(context, status, new JsonObject { ["message"] = message });

    private static async Task WriteJsonAsync(HttpContext context, int status, JsonNode body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString(Recordings.Stringify));
        var etag = $"\"{bytes.Length:x}-{Convert.ToBase64String(SHA1.HashData(bytes))[..27]}\"";
        context.Response.Headers.ETag = etag;
        if (status is >= 200 and < 300 && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)) &&
            IsFresh(context.Request, etag))
        {
            context.Response.StatusCode = 304; // as Express's res.send answers a fresh GET (OBSERVED.md #17)
            return;
        }
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    private static async Task<(byte[] Kept, long Length, string Sha256)> ReadBodyAsync(HttpRequest request, CancellationToken cancel, int keep = 1 << 20)
    {
        await using var body = new HashingReadStream(request.Body, keep);
        await body.CopyToAsync(Stream.Null, cancel);
        return (body.Kept, body.Length, body.Sha256);
    }

    private void Record(HttpContext context, string? user, byte[] body, long length, string sha)
    {
        var request = context.Request;
        var headers = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        _requests.Enqueue(new SeenRequest(request.Method, request.Path.Value ?? "/", request.QueryString.Value ?? "", headers, user, length, sha, body));
    }

    /// <summary>The UUID shape Immich validates path ids against (the pattern its 400 reports).</summary>
    [System.Text.RegularExpressions.GeneratedRegex("^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12})$")]
    private static partial System.Text.RegularExpressions.Regex ImmichUuid();
}
