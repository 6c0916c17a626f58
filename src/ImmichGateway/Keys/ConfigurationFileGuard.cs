namespace ImmichGateway.Keys;

/// <summary>
/// Notices a configuration file that stopped parsing. The configuration system then reloads that file as empty and
/// signals a change; the store asks this guard first and refuses that change, keeping the last good user list.
/// </summary>
internal sealed class ConfigurationFileGuard
{
    private string? _failedFile;

    public void OnLoadException(FileLoadExceptionContext context)
    {
        Volatile.Write(ref _failedFile, context.Provider.Source.Path ?? "a configuration file");
        context.Ignore = true; // never crash the process from a file-watcher thread
    }

    /// <summary>The file that failed since the last call, if any.</summary>
    public string? TakeFailure() => Interlocked.Exchange(ref _failedFile, null);
}
