namespace ImmichGateway.Keys;

internal static partial class KeysLog
{
    [LoggerMessage(3001, LogLevel.Information, "User configuration reloaded: {UserCount} users, {ClientCount} client keys")]
    public static partial void Reloaded(ILogger logger, int userCount, int clientCount);

    [LoggerMessage(3002, LogLevel.Error, "User configuration change ignored, the previous configuration stays in force: {Reason}")]
    public static partial void ReloadRejected(ILogger logger, string reason);

    [LoggerMessage(3003, LogLevel.Information, "Closed {Count} open connection(s) of client {User}/{Client}: its key was removed or changed")]
    public static partial void ConnectionsClosed(ILogger logger, int count, string user, string client);

    [LoggerMessage(3004, LogLevel.Warning, "The user configuration now has no users: every client key and token is refused until users are added")]
    public static partial void NoUsers(ILogger logger);
}
