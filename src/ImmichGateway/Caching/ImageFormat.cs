namespace ImmichGateway.Caching;

/// <summary>An image format the reference API's <c>?format=</c> may ask for.</summary>
internal sealed record ImageFormat(string Name, string ContentType, string Extension)
{
    public static readonly ImageFormat Jpeg = new("jpeg", "image/jpeg", "jpeg");
    public static readonly ImageFormat Webp = new("webp", "image/webp", "webp");

    public static readonly ImageFormat[] All = [Jpeg, Webp];

    public static ImageFormat? FromName(string? name) => All.FirstOrDefault(f => f.Name == name);

    /// <summary>Whether an image of <paramref name="contentType"/> (Immich's, never assumed) is already in this format.</summary>
    public bool Matches(string contentType) =>
        contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase) ||
        (this == Jpeg && contentType.StartsWith("image/jpg", StringComparison.OrdinalIgnoreCase));
}
