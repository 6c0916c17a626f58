using Microsoft.Extensions.Options;
using NetVips;

namespace ImmichGateway.Caching;

/// <summary>
/// Converts thumbnails between JPEG and WebP with libvips (NetVips): the library Immich itself generates them with
/// (through sharp), fast and frugal with memory, its native binaries shipped in a NuGet package for glibc x64.
/// Transparency is flattened onto white for JPEG; the ICC profile is kept, other metadata dropped.
/// </summary>
internal sealed class ImageConverter
{
    private static int _configured;

    private readonly CachingOptions _options;

    public ImageConverter(IOptions<CachingOptions> options) => _options = options.Value;

    /// <summary>
    /// The converted image. Throws <see cref="VipsException"/> for an image libvips cannot read, and a
    /// <see cref="TypeInitializationException"/> or <see cref="DllNotFoundException"/> where libvips' native library is
    /// missing (a platform without its NetVips.Native package): the caller then serves Immich's own format.
    /// </summary>
    public byte[] Convert(byte[] image, ImageFormat format)
    {
        if (Interlocked.Exchange(ref _configured, 1) == 0)
        {
            Cache.Max = 0;                         // converted bytes are cached by the gateway; libvips' operation cache would only hold memory
            NetVips.NetVips.BlockUntrusted = true; // only the well-tested loaders (JPEG, WebP, PNG…) for images from Immich
        }
        using var source = Image.NewFromBuffer(image, access: Enums.Access.Sequential);
        using var flattened = format == ImageFormat.Jpeg && source.HasAlpha() ? source.Flatten(background: [255, 255, 255]) : null;
        var output = flattened ?? source;
        return format == ImageFormat.Jpeg
            ? output.JpegsaveBuffer(q: _options.JpegQuality, keep: Enums.ForeignKeep.Icc)
            : output.WebpsaveBuffer(q: _options.WebpQuality, keep: Enums.ForeignKeep.Icc);
    }
}
