using ImmichGateway.Auth;
using ImmichGateway.Immich;
using ImmichGateway.Keys;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using Forwarded = System.Collections.Generic.IReadOnlyList<System.Collections.Generic.KeyValuePair<string, string>>;

namespace ImmichGateway.Caching;

/// <summary>
/// Server statistics (admins only) and the public server info, through HybridCache (memory, then Redis; one fetch for
/// concurrent misses). Statistics are served from the cache only to a caller whose own Immich key could fetch them:
/// its user is an admin (<c>/api/users/me</c>) and the key holds <c>all</c> or <c>server.statistics</c>
/// (<c>/api/api-keys/me</c>), both asked with that key and remembered for <see cref="CachingOptions.AdminStatusLifetime"/>;
/// anyone else is forwarded, so a non-admin gets Immich's own 403. Public info is fetched without any key (what Immich
/// answers everyone) and is the same for every caller. Requests with a query string are forwarded uncached.
/// </summary>
internal sealed class ServerInfoCache(
    HybridCache cache,
    GatewayUsersStore users,
    IHttpClientFactory clients,
    CacheMetrics metrics,
    IOptions<CachingOptions> options,
    IOptions<ImmichOptions> immichOptions)
{
    /// <summary>
    /// The HttpClient of these calls. It sends exactly the key and <c>X-Forwarded-*</c> it is given (no key for public
    /// routes): HybridCache runs its factories outside the request's context, where the typed client could not tell who
    /// is calling. A fill serves everyone who asks until it expires, yet carries only its first requester's headers.
    /// </summary>
    public const string DirectClient = "ImmichGateway.Caching.Direct";

    private const string StatisticsPath = "api/server/statistics";

    private readonly CachingOptions _options = options.Value;

    /// <summary>
    /// Immich silent inside an answer for this long ends the fetch (<see cref="ImmichSilentException"/>, a 504): a fill
    /// is shared by everyone who asks meanwhile, so a stalled one would hold them all.
    /// </summary>
    private readonly TimeSpan _idle = immichOptions.Value.RequestTimeout;

    public async Task<IResult> StatisticsAsync(HttpContext context)
    {
        var cancel = context.RequestAborted;
        var caller = GatewayCaller.From(context.User);
        var immichKey = caller is null ? null : users.Current.ImmichKeyFor(caller.User);
        var http = clients.CreateClient(DirectClient);
        var forwarded = await ImmichForwardedHeaders.CaptureAsync(context);
        if (context.Request.QueryString.HasValue || immichKey is null ||
            !await MayReadStatisticsAsync(http, caller!.User, immichKey, forwarded, cancel))
        {
            metrics.Miss(CacheMetrics.Statistics);
            return await ForwardAsync(http, StatisticsPath, caller?.User, immichKey, forwarded, context);
        }

        var fetched = false;
        var json = await cache.GetOrCreateAsync(CacheKeys.ServerStatistics, async ct =>
        {
            fetched = true;
            return await FetchAsync(http, StatisticsPath, caller!.User, immichKey, forwarded, ct);
        }, Entry(_options.StatisticsLifetime), cancellationToken: cancel);
        return Result(json, !fetched, CacheMetrics.Statistics);
    }

    public async Task<IResult> ServerInfoAsync(string name, HttpContext context)
    {
        var http = clients.CreateClient(DirectClient);
        var path = "api/server/" + name;
        var forwarded = await ImmichForwardedHeaders.CaptureAsync(context);
        if (context.Request.QueryString.HasValue)
        {
            metrics.Miss(CacheMetrics.ServerInfo);
            return await ForwardAsync(http, path, null, null, forwarded, context);
        }
        var fetched = false;
        var json = await cache.GetOrCreateAsync(CacheKeys.ServerInfo(name), async ct =>
        {
            fetched = true;
            return await FetchAsync(http, path, null, null, forwarded, ct);
        }, Entry(_options.ServerInfoLifetime), cancellationToken: context.RequestAborted);
        return Result(json, !fetched, CacheMetrics.ServerInfo);
    }

    /// <summary>
    /// Whether Immich would give the caller's own key the statistics, as Immich decides it: the key's user is an admin
    /// (their <c>/api/users/me</c>) and the key holds the route's permission (<c>/api/api-keys/me</c>, which any key may
    /// read: an admin's key may be restricted). Remembered briefly.
    /// </summary>
    private async Task<bool> MayReadStatisticsAsync(HttpClient http, string user, string immichKey, Forwarded forwarded, CancellationToken cancel)
    {
        try
        {
            return await cache.GetOrCreateAsync(CacheKeys.AdminStatus(CacheKeys.UserHash(immichKey)), async ct =>
            {
                var me = await FetchAsync(http, "api/users/me", user, immichKey, forwarded, ct);
                if (System.Text.Json.JsonSerializer.Deserialize<ImmichUser>(me.Body, ImmichClient.Json)?.IsAdmin != true)
                {
                    return false;
                }
                var key = await FetchAsync(http, "api/api-keys/me", user, immichKey, forwarded, ct);
                using var permissions = System.Text.Json.JsonDocument.Parse(key.Body);
                return permissions.RootElement.TryGetProperty("permissions", out var granted) && granted.ValueKind == System.Text.Json.JsonValueKind.Array &&
                       granted.EnumerateArray().Any(p => p.ValueKind == System.Text.Json.JsonValueKind.String && p.GetString() is "all" or "server.statistics");
            }, Entry(_options.AdminStatusLifetime), cancellationToken: cancel);
        }
        catch (Exception ex) when (ex is ImmichException or HttpRequestException or System.Text.Json.JsonException)
        {
            return false; // not known to be an admin: Immich decides
        }
    }

    private IResult Result(CachedJson json, bool hit, string name)
    {
        if (hit)
        {
            metrics.Hit(name);
        }
        else
        {
            metrics.Miss(name);
        }
        return new CachedJsonResult(json, hit, name, metrics);
    }

    private static HybridCacheEntryOptions Entry(TimeSpan lifetime) => new() { Expiration = lifetime, LocalCacheExpiration = lifetime };

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, string? user, string? immichKey,
        Forwarded forwarded, CancellationToken cancel)
    {
        if (immichKey is not null)
        {
            request.Headers.TryAddWithoutValidation(ImmichHeaders.ApiKey, immichKey);
        }
        foreach (var (name, value) in forwarded)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel);
        if (immichKey is not null && response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            throw new ImmichKeyRejectedException(user!); // the gateway's credential, not the client's: a 502
        }
        return response;
    }

    /// <summary>Immich's 200 JSON answer; anything else is thrown as Immich's error (passed on as Immich sent it).</summary>
    private async Task<CachedJson> FetchAsync(HttpClient http, string path, string? user, string? immichKey, Forwarded forwarded, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        var response = await SendAsync(http, request, user, immichKey, forwarded, cancel);
        if (response.StatusCode != System.Net.HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "application/json")
        {
            throw await ImmichException.FromResponseAsync(response, _idle, cancel);
        }
        using (response)
        {
            var body = new MemoryStream();
            await using (var answer = new ImmichAnswerStream(await response.Content.ReadAsStreamAsync(cancel), _idle, "GET /" + path, cancel))
            {
                await answer.CopyToAsync(body, cancel);
            }
            return new CachedJson(response.Content.Headers.ContentType.ToString(), body.ToArray(),
                response.Headers.NonValidated.TryGetValues("ETag", out var etag) ? etag.ToString() : null);
        }
    }

    /// <summary>Uncached: the request as the proxy would send it (its query, its conditional headers), Immich's answer back.</summary>
    private static async Task<IResult> ForwardAsync(HttpClient http, string path, string? user, string? immichKey, Forwarded forwarded, HttpContext context)
    {
        var query = new Microsoft.AspNetCore.Http.Extensions.QueryBuilder(context.Request.Query
            .Where(q => !ImmichHeaders.IsCredentialQueryParameter(q.Key))
            .SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? ""))));
        using var request = new HttpRequestMessage(HttpMethod.Get, path + query.ToQueryString());
        foreach (var name in new[] { "If-None-Match", "If-Modified-Since" })
        {
            if (context.Request.Headers.TryGetValue(name, out var values))
            {
                request.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }
        context.Response.Headers[ThumbnailCache.XCache] = "miss";
        return new ImmichPassThrough(await SendAsync(http, request, user, immichKey, forwarded, context.RequestAborted));
    }
}
