namespace ImmichGateway.Scopes;

/// <summary>The scope the middleware found for this request, for the endpoints and transforms that narrow answers.</summary>
internal static class ClientScopes
{
    private const string Item = "ImmichGateway.ClientScope";

    public static ClientScope Of(HttpContext context) => context.Items[Item] as ClientScope ?? ClientScope.Unlimited;

    public static void Set(HttpContext context, ClientScope scope) => context.Items[Item] = scope;

    /// <summary>
    /// Why an album-scoped client's search must name its album: Immich's search finds only the assets that are in
    /// <em>every</em> album it is given, so the gateway cannot fill in a scope of several albums (the answer would be
    /// their intersection, usually empty).
    /// </summary>
    public const string NameOneAlbum =
        "This client may see several albums, and Immich's search finds only assets that are in every album it is given: name the album to search (one of this client's).";

    /// <summary>
    /// The albums a search may cover, or null when the client is unlimited: the requested ones when every one is inside
    /// the scope (else none: a 403 — dropping one would widen what Immich intersects); without a request, the scope's
    /// one album, or none when it has several (<see cref="NeedsAnAlbum"/>).
    /// </summary>
    public static IReadOnlyList<Guid>? NarrowAlbums(ClientScope scope, IReadOnlyCollection<Guid> requested) =>
        scope.Albums is not { } allowed ? null
        : requested.Count == 0 ? (allowed.Count == 1 ? allowed.ToList() : [])
        : requested.All(allowed.Contains) ? requested.Distinct().ToList() : [];

    /// <summary>Whether a search must name an album because the client's scope has several (<see cref="NameOneAlbum"/>).</summary>
    public static bool NeedsAnAlbum(ClientScope scope, IReadOnlyCollection<Guid> requested) => scope.Albums is { Count: > 1 } && requested.Count == 0;
}
