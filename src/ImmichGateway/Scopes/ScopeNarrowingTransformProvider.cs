using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImmichGateway.Errors;
using ImmichGateway.Immich;
using ImmichGateway.Proxy;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ImmichGateway.Scopes;

/// <summary>
/// On proxied routes, narrows what an album-scoped client sees: <c>GET /api/albums</c> (and <c>HEAD</c>) lists only its albums, and
/// <c>POST /api/search/metadata</c> searches only inside them.
/// </summary>
internal sealed class ScopeNarrowingTransformProvider : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        if (context.Route.Metadata?.GetValueOrDefault(ProxyMetadata.Credentials) != ProxyMetadata.PerUser)
        {
            return;
        }
        context.AddRequestTransform(NarrowRequestAsync);
        context.AddResponseTransform(FilterAlbumListAsync);
    }

    private static bool IsAlbumList(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) &&
        request.Path.Value?.TrimEnd('/').Equals("/api/albums", StringComparison.OrdinalIgnoreCase) == true;

    private static async ValueTask NarrowRequestAsync(RequestTransformContext context)
    {
        var http = context.HttpContext;
        var scope = ClientScopes.Of(http);
        if (!scope.IsAlbumScoped)
        {
            return;
        }
        if (IsAlbumList(http.Request))
        {
            // The list is filtered here, so it must arrive plain and whole (no 304 for a list the client never saw).
            // A HEAD is asked as a GET: the whole list's length would tell of albums outside the scope.
            context.ProxyRequest.Method = HttpMethod.Get;
            context.ProxyRequest.Headers.Remove("Accept-Encoding");
            context.ProxyRequest.Headers.Remove("If-None-Match");
            return;
        }
        if (!HttpMethods.IsPost(http.Request.Method) ||
            http.Request.Path.Value?.TrimEnd('/').Equals("/api/search/metadata", StringComparison.OrdinalIgnoreCase) != true)
        {
            return;
        }

        if (await ProxiedJsonBody.ReadObjectAsync(http, "a JSON object with album UUIDs in albumIds") is not { } search)
        {
            return; // the problem is written: nothing is forwarded
        }
        var requested = new List<Guid>();
        if (search["albumIds"] is { } ids && !TryReadIds(ids, requested))
        {
            await http.WriteProblemAsync(StatusCodes.Status400BadRequest, "Bad request", "The search body must be a JSON object with album UUIDs in albumIds.");
            return;
        }
        if (ClientScopes.NeedsAnAlbum(scope, requested))
        {
            await http.WriteProblemAsync(StatusCodes.Status400BadRequest, "Bad request", ClientScopes.NameOneAlbum + " Send albumIds: [\"<album id>\"].");
            return;
        }
        var narrowed = ClientScopes.NarrowAlbums(scope, requested)!;
        if (narrowed.Count == 0)
        {
            await http.WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden by this client's limits", ScopeRules.AlbumRefusal);
            return;
        }
        search["albumIds"] = new JsonArray(narrowed.Select(id => (JsonNode)id.ToString()).ToArray());
        ProxiedJsonBody.Replace(context, Encoding.UTF8.GetBytes(search.ToJsonString()));
    }

    private static bool TryReadIds(JsonNode ids, List<Guid> into)
    {
        if (ids is not JsonArray array)
        {
            return false;
        }
        foreach (var id in array)
        {
            if (id is not JsonValue value || !value.TryGetValue(out string? text) || !Guid.TryParse(text, out var guid))
            {
                return false;
            }
            into.Add(guid);
        }
        return true;
    }

    /// <summary>
    /// Immich's whole list, read with <c>Immich:RequestTimeout</c> as idle timeout (YARP's own does not cover a transform's
    /// read), or null when Immich failed inside it: the client then has a 504 or 502 problem, nothing of the list.
    /// </summary>
    private static async Task<JsonArray?> ReadAlbumListAsync(HttpContext http, HttpResponseMessage response)
    {
        var idle = http.RequestServices.GetRequiredService<IOptions<ImmichOptions>>().Value.RequestTimeout;
        var cancel = http.RequestAborted;
        try
        {
            await using var body = new ImmichAnswerStream(await response.Content.ReadAsStreamAsync(cancel), idle, "GET /api/albums", cancel);
            return await JsonNode.ParseAsync(body, cancellationToken: cancel) as JsonArray ?? [];
        }
        catch (Exception failure) when (!cancel.IsCancellationRequested && failure is ImmichSilentException or HttpRequestException or JsonException)
        {
            http.Response.Clear(); // Immich's status and headers, copied for the list that never came
            await (failure is ImmichSilentException
                ? http.WriteProblemAsync(StatusCodes.Status504GatewayTimeout, "Immich did not answer in time",
                    "Immich stopped in the middle of its answer for longer than the gateway's time limit (Immich:RequestTimeout).")
                : http.WriteProblemAsync(StatusCodes.Status502BadGateway, "Immich's answer could not be read",
                    "Immich's album list broke off or was not JSON."));
            return null;
        }
    }

    private static async ValueTask FilterAlbumListAsync(ResponseTransformContext context)
    {
        var http = context.HttpContext;
        var scope = ClientScopes.Of(http);
        if (!scope.IsAlbumScoped || !IsAlbumList(http.Request) || context.ProxyResponse is not { IsSuccessStatusCode: true } response)
        {
            return;
        }

        context.SuppressResponseBody = true;
        if (await ReadAlbumListAsync(http, response) is not { } albums)
        {
            return;
        }
        var visible = albums.Where(a => Guid.TryParse(a?["id"]?.GetValue<string>(), out var id) && scope.Albums!.Contains(id))
            .Select(a => a!.DeepClone()).ToArray();
        var bytes = Encoding.UTF8.GetBytes(new JsonArray(visible).ToJsonString());
        http.Response.Headers.Remove("ETag");
        http.Response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(http.Request.Method))
        {
            await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
        }
    }
}
