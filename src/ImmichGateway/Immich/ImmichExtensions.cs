using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace ImmichGateway.Immich;

internal static class ImmichExtensions
{
    /// <summary>
    /// The typed client for the gateway's own Immich calls: the caller's key and <c>X-Forwarded-*</c>, redirects left to
    /// the client, standard resilience (timeouts, circuit breaker, retries for safe methods only — uploads are never replayed).
    /// </summary>
    public static IHostApplicationBuilder AddImmichClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ImmichOptions>().BindConfiguration(ImmichOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddTransient<ImmichApiKeyHandler>();
        builder.Services.AddTransient<ImmichForwardedHeadersHandler>();
        builder.Services.AddHttpClient<ImmichClient>((services, http) =>
            {
                http.BaseAddress = new Uri(services.GetRequiredService<IOptions<ImmichOptions>>().Value.BaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/"); // paths are relative: "api/…"
                http.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline owns timeouts; media streams may run long
            })
            .ConfigurePrimaryHttpMessageHandler(services => new SocketsHttpHandler
            {
                AllowAutoRedirect = false, // Immich's relative 302s go back to the client, as on the proxy path
                AutomaticDecompression = System.Net.DecompressionMethods.None,
                UseCookies = false,
                ConnectTimeout = services.GetRequiredService<IOptions<ImmichOptions>>().Value.ConnectTimeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .AddHttpMessageHandler<ImmichApiKeyHandler>()
            .AddHttpMessageHandler<ImmichForwardedHeadersHandler>()
            .AddStandardResilienceHandler().Configure((options, services) =>
            {
                // Immich:RequestTimeout bounds the whole call, retries included: past it the client gets a 504.
                var timeout = services.GetRequiredService<IOptions<ImmichOptions>>().Value.RequestTimeout;
                // A 429 asks for less traffic, not more: it goes back to the client (with its Retry-After) at once. Nor
                // does a retry wait out a Retry-After, which could hold the client until the request timeout.
                options.Retry.ShouldHandle = args => ValueTask.FromResult(HttpClientResiliencePredicates.IsTransient(args.Outcome) &&
                    args.Outcome.Result?.StatusCode != System.Net.HttpStatusCode.TooManyRequests && ClientBodyException.In(args.Outcome.Exception) is null);
                // A client's broken body is no failure of Immich's: it must not open the circuit for everyone.
                options.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(HttpClientResiliencePredicates.IsTransient(args.Outcome) &&
                    ClientBodyException.In(args.Outcome.Exception) is null);
                options.Retry.ShouldRetryAfterHeader = false;
                options.Retry.DisableForUnsafeHttpMethods(); // after ShouldHandle, which it wraps
                options.Retry.MaxRetryAttempts = 2; // a down Immich must give a fast 502, not a 14-second wait
                options.Retry.Delay = TimeSpan.FromMilliseconds(200);
                options.AttemptTimeout.Timeout = timeout;
                options.TotalRequestTimeout.Timeout = timeout;
                options.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(60).Ticks, 2 * timeout.Ticks));
            });
        builder.Services.AddExceptionHandler<ImmichExceptionHandler>();
        return builder;
    }
}
