namespace ImmichGateway.Scopes;

internal static partial class ScopesLog
{
    [LoggerMessage(7001, LogLevel.Information, "Refused {Method} {Path} for {User}/{Client}: {Reason}")]
    public static partial void Refused(ILogger logger, string method, string path, string user, string client, string reason);
}
