namespace ImmichGateway.Auth;

internal static partial class AuthLog
{
    [LoggerMessage(2001, LogLevel.Warning, "The Immich API key of user {User} was presented to the gateway as a client key; refused. That key is exposed to a client and should be rotated in Immich.")]
    public static partial void ImmichKeyPresented(ILogger logger, string user);

    [LoggerMessage(2002, LogLevel.Information, "A valid bearer token matched no gateway user")]
    public static partial void TokenUserUnknown(ILogger logger);
}
