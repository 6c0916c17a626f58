namespace ImmichGateway.Proxy;

/// <summary>Reading a body whole when the gateway must (to parse or convert it), never holding more than a limit.</summary>
internal static class BoundedBody
{
    /// <summary>
    /// The whole of <paramref name="stream"/>, or null as soon as it passes <paramref name="limit"/> bytes (never more is
    /// read into memory). <paramref name="expectedLength"/> (a Content-Length) only sizes the first buffer.
    /// </summary>
    public static async Task<byte[]?> ReadAtMostAsync(Stream stream, long? expectedLength, long limit, CancellationToken cancel)
    {
        using var body = new MemoryStream((int)Math.Min(expectedLength ?? 64 * 1024, limit));
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancel)) > 0)
        {
            if (body.Length + read > limit)
            {
                return null;
            }
            body.Write(chunk, 0, read);
        }
        return body.ToArray();
    }
}
