namespace ImmichGateway.Caching;

internal static partial class CachingLog
{
    [LoggerMessage(5001, LogLevel.Warning, "Redis {Operation} failed ({Error}); serving without Redis")]
    public static partial void RedisFailed(ILogger logger, string operation, string error);

    [LoggerMessage(5002, LogLevel.Information, "Redis connected at {Endpoint}")]
    public static partial void RedisConnected(ILogger logger, string endpoint);

    [LoggerMessage(5003, LogLevel.Warning, "Redis connection lost ({FailureType}); serving from memory and Immich until it returns")]
    public static partial void RedisConnectionLost(ILogger logger, string failureType);

    [LoggerMessage(5004, LogLevel.Information, "No ConnectionStrings:Redis: the cache is in memory only (one replica's view)")]
    public static partial void InMemoryOnly(ILogger logger);

    [LoggerMessage(5005, LogLevel.Debug, "Cache eviction after {Method} {Path}: {Scope}")]
    public static partial void Evicted(ILogger logger, string method, string path, string scope);

    [LoggerMessage(5006, LogLevel.Warning, "Could not convert asset {AssetId} to {Format} ({Error}); answering 406")]
    public static partial void ConversionFailed(ILogger logger, Guid assetId, string format, string error);

    [LoggerMessage(5007, LogLevel.Debug, "Not caching the {Size} of asset {AssetId}: {Reason}")]
    public static partial void NotCached(ILogger logger, string size, Guid assetId, string reason);

    [LoggerMessage(5008, LogLevel.Debug, "Not converting asset {AssetId} to {Format}: {Reason}")]
    public static partial void NotConverted(ILogger logger, Guid assetId, string format, string reason);
}
