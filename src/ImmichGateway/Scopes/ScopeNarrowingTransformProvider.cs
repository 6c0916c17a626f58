using System.Text;
using System.Text.Json.Nodes;
using ImmichGateway.Errors;
using ImmichGateway.Proxy;
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

    private static async ValueTask FilterAlbumListAsync(ResponseTransformContext context)
    {
        var http = context.HttpContext;
        var scope = ClientScopes.Of(http);
        if (!scope.IsAlbumScoped || !IsAlbumList(http.Request) || context.ProxyResponse is not { IsSuccessStatusCode: true } response)
        {
            return;
        }

        context.SuppressResponseBody = true;
        var albums = await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync(http.RequestAborted), cancellationToken: http.RequestAborted) as JsonArray ?? [];
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
