namespace ImmichGateway.Caching;

/// <summary>An image format the reference API's <c>?format=</c> may ask for.</summary>
internal sealed record ImageFormat(string Name, string ContentType, string Extension)
{
    public static readonly ImageFormat Jpeg = new("jpeg", "image/jpeg", "jpeg");
    public static readonly ImageFormat Webp = new("webp", "image/webp", "webp");

    public static readonly ImageFormat[] All = [Jpeg, Webp];

    /// <summary>The format named exactly <paramref name="name"/>, or null (asked on every thumbnail request: no closure).</summary>
    public static ImageFormat? FromName(string? name) => name switch
    {
        "jpeg" => Jpeg,
        "webp" => Webp,
        _ => null,
    };

    /// <summary>Whether an image of <paramref name="contentType"/> (Immich's, never assumed) is already in this format.</summary>
    public bool Matches(string contentType) =>
        contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase) ||
        (this == Jpeg && contentType.StartsWith("image/jpg", StringComparison.OrdinalIgnoreCase));
}
