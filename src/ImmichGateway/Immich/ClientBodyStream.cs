namespace ImmichGateway.Immich;

/// <summary>
/// The client's request body, as the gateway sends it on to Immich with its own client. A failure to read it (malformed
/// chunks, over <c>Gateway:MaxRequestBodySize</c>, the client gone mid-body) surfaces as
/// <see cref="ClientBodyException"/>: HttpClient reports it as a failed request to Immich, and it must count neither as
/// Immich failing (502, the circuit breaker) nor be retried.
/// </summary>
internal sealed class ClientBodyStream(Stream body) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await body.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception error) when (error is BadHttpRequestException or IOException)
        {
            throw new ClientBodyException(error);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>The client's body could not be read while it was sent on to Immich (<see cref="ClientBodyStream"/>): the client's error.</summary>
internal sealed class ClientBodyException(Exception inner) : IOException("The client's request body could not be read.", inner)
{
    /// <summary>What the client is told: Kestrel's own status for its body (400, 413), else 400.</summary>
    public int StatusCode => InnerException is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;

    /// <summary>The <see cref="ClientBodyException"/> behind <paramref name="error"/> (HttpClient wraps it), if any.</summary>
    public static ClientBodyException? In(Exception? error)
    {
        for (var current = error; current is not null; current = current.InnerException)
        {
            if (current is ClientBodyException body)
            {
                return body;
            }
        }
        return null;
    }
}
