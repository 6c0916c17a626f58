namespace ImmichGateway.Audit;

internal static partial class AuditLog
{
    [LoggerMessage(6001, LogLevel.Information, "{Method} {Path} by {User}/{Client} answered {StatusCode} in {ElapsedMs} ms")]
    public static partial void Request(ILogger logger, string method, string path, string user, string client, int statusCode, double elapsedMs);
}
