using System.Globalization;
using System.Threading.RateLimiting;
using ImmichGateway.Auth;
using ImmichGateway.Errors;
using ImmichGateway.Keys;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ImmichGateway.RateLimits;

/// <summary>
/// A token bucket per client key (not per user: a misbehaving frame cannot starve the same user's phone), per user
/// for OIDC callers, and per client IP for anonymous callers. Limits are per replica (in memory): see README.
/// </summary>
internal static class RateLimitExtensions
{
    public static IHostApplicationBuilder AddGatewayRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName)
            .Validate(o => o is { PermitLimit: > 0, TokensPerSecond: > 0, AnonymousPermitLimit: > 0, AnonymousTokensPerSecond: > 0 },
                $"{RateLimitOptions.SectionName}: PermitLimit, TokensPerSecond, AnonymousPermitLimit and AnonymousTokensPerSecond must be positive.")
            .ValidateOnStart();
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = RejectAsync;
        });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>, GatewayUsersStore>((limiter, limits, users) =>
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, limits.Value, users)));
        return builder;
    }

    private static RateLimitPartition<string> Partition(HttpContext context, RateLimitOptions defaults, GatewayUsersStore users)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics"))
        {
            return RateLimitPartition.GetNoLimiter("infrastructure"); // orchestrator probes and scrapes
        }

        var caller = GatewayCaller.From(context.User);
        if (caller is null)
        {
            var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            return Bucket($"ip:{address}", defaults.AnonymousPermitLimit, defaults.AnonymousTokensPerSecond);
        }
        var own = caller.KeySha256 is { } hash ? users.Current.ScopeFor(hash).RateLimit : null;
        var permits = own?.PermitLimit ?? defaults.PermitLimit;
        var perSecond = own?.TokensPerSecond ?? defaults.TokensPerSecond;
        // The settings are part of the key, so a reloaded limit takes effect on the next request.
        return Bucket($"client:{caller.User}/{caller.Client}/{permits}/{perSecond}", permits, perSecond);
    }

    private static RateLimitPartition<string> Bucket(string key, int permits, int perSecond) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = permits,
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
        context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        await context.HttpContext.WriteProblemAsync(StatusCodes.Status429TooManyRequests, "Too many requests",
            $"This client is over its rate limit; retry after {retryAfter} s.");
    }
}
