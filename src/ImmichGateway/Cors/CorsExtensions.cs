using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace ImmichGateway.Cors;

/// <summary>CORS for browser clients (section <c>Gateway:Cors</c>). No origin is allowed unless configured.</summary>
internal sealed class GatewayCorsOptions
{
    public const string SectionName = "Gateway:Cors";

    /// <summary>Origins allowed to call the gateway from a browser, e.g. https://frame.example.org.</summary>
    public string[]? AllowedOrigins { get; set; }

    /// <summary>How long browsers may cache a preflight answer.</summary>
    public TimeSpan PreflightMaxAge { get; set; } = TimeSpan.FromMinutes(10);
}

internal static class CorsExtensions
{
    /// <summary>Request headers a browser client may send: the credentials and what media requests use.</summary>
    public static readonly string[] AllowedHeaders = ["x-api-key", "authorization", "content-type", "x-immich-checksum", "range", "if-none-match", "if-modified-since"];

    /// <summary>Response headers a browser client may read.</summary>
    public static readonly string[] ExposedHeaders = ["ETag", "Link", "Retry-After", "Content-Disposition", "Content-Range", "Content-Length", "Location", "X-Cache"];

    public static IHostApplicationBuilder AddGatewayCors(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayCorsOptions>().BindConfiguration(GatewayCorsOptions.SectionName)
            .Validate(o => (o.AllowedOrigins ?? []).All(IsOrigin), $"{GatewayCorsOptions.SectionName}:AllowedOrigins must list origins like https://frame.example.org (scheme, host, optional port; no path).")
            .ValidateOnStart();
        builder.Services.AddCors();
        builder.Services.AddOptions<CorsOptions>().Configure<IOptions<GatewayCorsOptions>>((cors, gateway) =>
        {
            var origins = gateway.Value.AllowedOrigins ?? [];
            cors.AddDefaultPolicy(policy =>
            {
                if (origins.Length > 0)
                {
                    policy.WithOrigins(origins).AllowAnyMethod().WithHeaders(AllowedHeaders).WithExposedHeaders(ExposedHeaders)
                        .SetPreflightMaxAge(gateway.Value.PreflightMaxAge);
                }
            });
        });
        return builder;
    }

    private static bool IsOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) &&
        uri.AbsolutePath == "/" && !origin.EndsWith('/');
}
