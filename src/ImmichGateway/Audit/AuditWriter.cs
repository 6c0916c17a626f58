using System.Threading.Channels;

namespace ImmichGateway.Audit;

/// <summary>One finished request, as the audit log records it.</summary>
internal readonly record struct AuditEntry(string Method, string Path, string User, string Client, int StatusCode, double ElapsedMs);

/// <summary>
/// Keeps the audit log off the request path: a request only queues its entry (no formatting, no console lock), and one
/// background writer turns entries into log events. Nothing is dropped: should the queue ever fill, the request writes
/// its event itself. Entries still queued at shutdown are written before the host stops.
/// </summary>
internal sealed class AuditWriter(ILoggerFactory loggers) : BackgroundService
{
    public const int Capacity = 65_536;

    private readonly ILogger _logger = loggers.CreateLogger(AuditExtensions.Category);
    private readonly Channel<AuditEntry> _queue = Channel.CreateBounded<AuditEntry>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public bool IsEnabled => _logger.IsEnabled(LogLevel.Information);

    public void Write(in AuditEntry entry)
    {
        if (!_queue.Writer.TryWrite(entry))
        {
            Log(entry); // full (or stopping): never lose an event
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var entry in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                Log(entry);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        while (_queue.Reader.TryRead(out var entry))
        {
            Log(entry); // what was still queued when the host stopped
        }
    }

    private void Log(in AuditEntry entry) =>
        AuditLog.Request(_logger, entry.Method, entry.Path, entry.User, entry.Client, entry.StatusCode, entry.ElapsedMs);
}
