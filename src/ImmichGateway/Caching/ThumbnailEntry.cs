using System.Text;
using Microsoft.Net.Http.Headers;

namespace ImmichGateway.Caching;

/// <summary>
/// One cached image with the headers of Immich's answer that matter to a client: its Content-Type (Immich's, never
/// assumed), ETag, Last-Modified, Cache-Control (<c>private</c>) and Content-Disposition. <see cref="Version"/> is the
/// client's cache-buster (<c>?c=</c>, Immich's web app sends the thumbhash) the image was fetched with.
/// </summary>
internal sealed class ThumbnailEntry
{
    private const byte FormatVersion = 1;

    public ThumbnailEntry(byte[] body, string contentType, string? etag, DateTimeOffset? lastModified, string? cacheControl,
        string? contentDisposition, string? version)
    {
        Body = body;
        ContentType = contentType;
        ETag = etag;
        LastModified = lastModified;
        CacheControl = cacheControl;
        ContentDisposition = contentDisposition;
        Version = version;
        EntityTag = etag is not null && EntityTagHeaderValue.TryParse(etag, out var parsed) ? parsed : null;
        LastModifiedText = lastModified?.ToString("r", System.Globalization.CultureInfo.InvariantCulture);
    }

    public byte[] Body { get; }
    public string ContentType { get; }
    public string? ETag { get; }
    public EntityTagHeaderValue? EntityTag { get; }
    public DateTimeOffset? LastModified { get; }

    /// <summary><see cref="LastModified"/> as the header carries it, formatted once.</summary>
    public string? LastModifiedText { get; }
    public string? CacheControl { get; }
    public string? ContentDisposition { get; }
    public string? Version { get; }

    /// <summary>This image converted: its own type, an ETag derived from Immich's, the file name's extension changed.</summary>
    public ThumbnailEntry ConvertedTo(ImageFormat format, byte[] body) => new(body, format.ContentType,
        ETag is { Length: > 1 } etag && etag[^1] == '"' ? $"{etag[..^1]}-{format.Name}\"" : null,
        LastModified, CacheControl, ContentDisposition is { } disposition ? WithExtension(disposition, format.Extension) : null, Version);

    private static string WithExtension(string disposition, string extension)
    {
        var dot = disposition.LastIndexOf('.');
        return dot > disposition.LastIndexOf('\'') && dot > disposition.LastIndexOf('=') && disposition.Length - dot <= 6
            ? disposition[..(dot + 1)] + extension + (disposition.EndsWith('"') ? "\"" : "")
            : disposition;
    }

    /// <summary>The Redis value: a version byte, the headers as length-prefixed strings, then the image.</summary>
    public byte[] Serialize()
    {
        using var stream = new MemoryStream(Body.Length + 512);
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(FormatVersion);
            writer.Write(ContentType);
            WriteOptional(writer, ETag);
            writer.Write(LastModified?.ToUnixTimeSeconds() ?? long.MinValue);
            WriteOptional(writer, CacheControl);
            WriteOptional(writer, ContentDisposition);
            WriteOptional(writer, Version);
            writer.Write(Body.Length);
            writer.Write(Body);
        }
        return stream.ToArray();
    }

    public static ThumbnailEntry? Deserialize(byte[] value)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(value, writable: false), Encoding.UTF8);
            if (reader.ReadByte() != FormatVersion)
            {
                return null; // written by another version of the gateway: a miss
            }
            var contentType = reader.ReadString();
            var etag = ReadOptional(reader);
            var seconds = reader.ReadInt64();
            var cacheControl = ReadOptional(reader);
            var disposition = ReadOptional(reader);
            var version = ReadOptional(reader);
            var length = reader.ReadInt32();
            var body = reader.ReadBytes(length);
            return body.Length == length
                ? new ThumbnailEntry(body, contentType, etag, seconds == long.MinValue ? null : DateTimeOffset.FromUnixTimeSeconds(seconds), cacheControl, disposition, version)
                : null;
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or FormatException or ArgumentException or OverflowException)
        {
            return null; // cut short or corrupt (a length or date out of range): a miss, never a failed request
        }
    }

    private static void WriteOptional(BinaryWriter writer, string? value)
    {
        writer.Write(value is not null);
        if (value is not null)
        {
            writer.Write(value);
        }
    }

    private static string? ReadOptional(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;
}
