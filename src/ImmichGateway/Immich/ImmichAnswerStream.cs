namespace ImmichGateway.Immich;

/// <summary>
/// The body of one of Immich's answers to the gateway's own calls, read with <c>Immich:RequestTimeout</c> as an idle
/// timeout, as the proxy reads: a read that gets nothing from Immich for that long throws
/// <see cref="ImmichSilentException"/> (the resilience pipeline's timeouts end with the answer's headers, and HttpClient's
/// own timeout is off). The clock runs only while a read waits on Immich; a slow client never trips it. Immich's
/// connection breaking inside the answer throws <see cref="HttpRequestException"/> (<see cref="HttpRequestError.ResponseEnded"/>):
/// Immich failed, as when it breaks off before its headers (a 502), not an I/O fault of the gateway's.
/// </summary>
internal sealed class ImmichAnswerStream : Stream
{
    private readonly Stream _body;
    private readonly TimeSpan _idle;
    private readonly string _call;
    private readonly CancellationToken _cancel;
    private readonly CancellationTokenSource _silent;

    /// <param name="cancel">The caller's token (the request's), which every read honours as well.</param>
    public ImmichAnswerStream(Stream body, TimeSpan idle, string call, CancellationToken cancel)
    {
        _body = body;
        _idle = idle;
        _call = call;
        _cancel = cancel;
        _silent = CancellationTokenSource.CreateLinkedTokenSource(cancel);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // The caller passes its own token again (JsonSerializer does): one linked source serves every read.
        using var other = cancellationToken.CanBeCanceled && cancellationToken != _cancel
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _silent.Token)
            : null;
        _silent.CancelAfter(_idle);
        try
        {
            return await _body.ReadAsync(buffer, other?.Token ?? _silent.Token);
        }
        catch (OperationCanceledException) when (!_cancel.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ImmichSilentException(_call, _idle);
        }
        catch (IOException broken) when (!_cancel.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException(HttpRequestError.ResponseEnded, $"Immich's answer to {_call} broke off: {broken.Message}", broken);
        }
        finally
        {
            _silent.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Read asynchronously only: a blocking read could not be given up on.</summary>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _silent.Dispose();
            _body.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        _silent.Dispose();
        await _body.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>
/// Immich sent an answer's headers, then nothing for <c>Immich:RequestTimeout</c> (<see cref="ImmichAnswerStream"/>):
/// a 504 problem while the client's answer has not begun; after, the answer is cut.
/// </summary>
internal sealed class ImmichSilentException(string call, TimeSpan idle)
    : TimeoutException($"Immich sent nothing for {idle} in the middle of its answer to {call}.");
