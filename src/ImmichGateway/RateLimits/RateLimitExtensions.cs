using System.Globalization;
using System.Net;
using System.Net.Sockets;
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
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, BucketKey>(context => Partition(context, limits.Value, users)));
        return builder;
    }

    /// <summary>Who a bucket belongs to, with its settings (so a reloaded limit takes effect on the next request).</summary>
    private readonly record struct BucketKey(string Who, string? Client, int Permits, int PerSecond);

    private static readonly BucketKey Infrastructure = new("infrastructure", null, 0, 0);

    private static RateLimitPartition<BucketKey> Partition(HttpContext context, RateLimitOptions defaults, GatewayUsersStore users)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics"))
        {
            return RateLimitPartition.GetNoLimiter(Infrastructure); // orchestrator probes and scrapes
        }

        var caller = GatewayCaller.From(context.User);
        if (caller is null)
        {
            return Bucket(new BucketKey(AnonymousBucket(context.Connection.RemoteIpAddress), null, defaults.AnonymousPermitLimit, defaults.AnonymousTokensPerSecond));
        }
        var own = caller.KeySha256 is { } hash ? users.Current.ScopeFor(hash)?.RateLimit : null; // a key removed meanwhile: the defaults (the scope check refuses it)
        return Bucket(new BucketKey(caller.User, caller.Client, own?.PermitLimit ?? defaults.PermitLimit, own?.TokensPerSecond ?? defaults.TokensPerSecond));
    }

    /// <summary>
    /// An anonymous caller's bucket: its IPv4 address, or the /64 of its IPv6 address — one host holds a whole /64
    /// (SLAAC, privacy addresses), so a bucket per IPv6 address would give it 2^64 buckets. An IPv4 address seen
    /// through a dual-stack socket (<c>::ffff:a.b.c.d</c>) is its IPv4 address.
    /// </summary>
    internal static string AnonymousBucket(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address))
        {
            return address.ToString();
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes) + "/64";
    }

    // No string building and no closure per request: the key is a struct and the (static) factory reads its settings
    // from it. (RateLimitPartition.GetTokenBucketLimiter would wrap the factory in a new closure on every call.)
    private static RateLimitPartition<BucketKey> Bucket(BucketKey key) => new(key, CreateBucket);

    private static readonly Func<BucketKey, RateLimiter> CreateBucket = static key => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
    {
        TokenLimit = key.Permits,
        TokensPerPeriod = key.PerSecond,
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
