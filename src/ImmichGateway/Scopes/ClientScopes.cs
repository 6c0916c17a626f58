namespace ImmichGateway.Scopes;

/// <summary>The scope the middleware found for this request, for the endpoints and transforms that narrow answers.</summary>
internal static class ClientScopes
{
    private const string Item = "ImmichGateway.ClientScope";

    public static ClientScope Of(HttpContext context) => context.Items[Item] as ClientScope ?? ClientScope.Unlimited;

    public static void Set(HttpContext context, ClientScope scope) => context.Items[Item] = scope;

    /// <summary>The albums a search may cover: the requested ones inside the scope, or all of the scope's; null when unlimited.</summary>
    public static IReadOnlyList<Guid>? NarrowAlbums(ClientScope scope, IReadOnlyCollection<Guid> requested) =>
        scope.Albums is not { } allowed ? null
        : requested.Count == 0 ? allowed.Order().ToList()
        : requested.Where(allowed.Contains).Distinct().ToList();
}
