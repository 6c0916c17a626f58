namespace ImmichGateway.Proxy;

internal static partial class ProxyLog
{
    [LoggerMessage(1001, LogLevel.Error, "Immich rejected the API key configured for user {User} (401); update Gateway:Users:{User}:ImmichApiKey")]
    public static partial void ImmichKeyRejected(ILogger logger, string user);

    [LoggerMessage(1002, LogLevel.Warning, "Forwarding {Method} {Path} to Immich failed: {Error}")]
    public static partial void UpstreamFailed(ILogger logger, string method, string path, string error);

    [LoggerMessage(1003, LogLevel.Debug, "The client went away during {Method} {Path} ({Error})")]
    public static partial void ClientAborted(ILogger logger, string method, string path, string error);

    [LoggerMessage(1004, LogLevel.Information, "Refused {Method} {Path}: {Reason}")]
    public static partial void Refused(ILogger logger, string method, string path, string reason);

    [LoggerMessage(1005, LogLevel.Warning, "{Message} The client got a 502.")]
    public static partial void ImmichAnswerUnreadable(ILogger logger, string message);

    [LoggerMessage(1006, LogLevel.Information, "Closed {Count} WebSocket(s) and socket.io long poll(s) for shutdown")]
    public static partial void ConnectionsClosedForShutdown(ILogger logger, int count);
}
