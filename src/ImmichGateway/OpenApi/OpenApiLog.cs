namespace ImmichGateway.OpenApi;

internal static partial class OpenApiLog
{
    [LoggerMessage(8001, LogLevel.Warning, "Immich's OpenAPI document could not be fetched ({Reason}); serving {Fallback} for now")]
    public static partial void ImmichDocumentUnavailable(ILogger logger, string reason, string fallback);
}
