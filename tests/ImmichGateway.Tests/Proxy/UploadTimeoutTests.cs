using System.Net;
using System.Net.Http.Headers;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Proxy;

/// <summary>
/// <c>Immich:RequestTimeout</c> bounds how long a forwarded request may stay idle, not how long it may last: an upload
/// that keeps sending is never cut, an Immich that stops answering is. A gateway of its own with a 1 s timeout.
/// </summary>
public sealed class UploadTimeoutTests : IAsyncLifetime
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;
    private readonly KestrelGatewayFactory _gateway = new();

    public async ValueTask InitializeAsync()
    {
        _gateway.Settings["Immich:RequestTimeout"] = "00:00:01";
        await _gateway.InitializeAsync();
    }

    public ValueTask DisposeAsync() => _gateway.DisposeAsync();

    [Fact]
    public async Task Upload_LastingThreeTimesTheTimeout_IsNotCut()
    {
        using var client = _gateway.CreateClient(TestUsers.AliceKiosk);
        var marker = Guid.NewGuid().ToString("N");
        using var content = new StreamContent(new TricklingStream(chunks: 15, chunkSize: 64 * 1024, pause: TimeSpan.FromMilliseconds(200)));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");

        var response = await client.PostAsync($"/api/assets?marker={marker}", content, Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(15 * 64 * 1024, Assert.Single(_gateway.Immich.RequestsMatching(marker)).BodyLength);
    }

    [Fact]
    public async Task ImmichSilentForLongerThanTheTimeout_Is504()
    {
        using var client = _gateway.CreateClient(TestUsers.AliceKiosk);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/albums");
        request.Headers.Add(FakeImmich.DelayHeader, "3000");

        var response = await client.SendAsync(request, Cancel);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.GatewayTimeout);
    }

    /// <summary>A body that arrives slowly, a chunk at a time, never idle for as long as the timeout.</summary>
    private sealed class TricklingStream(int chunks, int chunkSize, TimeSpan pause) : Stream
    {
        private int _sent;
        private int _left; // of the current chunk

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_left == 0)
            {
                if (_sent == chunks)
                {
                    return 0;
                }
                await Task.Delay(pause, cancellationToken); // the client's pace, not a wait for a timer to expire
                _sent++;
                _left = chunkSize;
            }
            var count = Math.Min(buffer.Length, _left);
            buffer.Span[..count].Fill((byte)'x');
            _left -= count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
