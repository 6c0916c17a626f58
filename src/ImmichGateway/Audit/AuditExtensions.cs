using System.Diagnostics;
using ImmichGateway.Auth;

namespace ImmichGateway.Audit;

/// <summary>
/// One structured event per request (user, client, method, path, status, duration) in category
/// <c>ImmichGateway.Audit</c>. It replaces ASP.NET Core's own request logs, which print the query string — where a
/// client may have put a key — and are therefore switched off.
/// </summary>
internal static class AuditExtensions
{
    public const string Category = "ImmichGateway.Audit";

    public static IHostApplicationBuilder AddRequestAudit(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Services.AddSingleton<AuditWriter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AuditWriter>());
        return builder;
    }

    public static IApplicationBuilder UseRequestAudit(this IApplicationBuilder app)
    {
        var audit = app.ApplicationServices.GetRequiredService<AuditWriter>();
        return app.Use(async (context, next) =>
        {
            if (!audit.IsEnabled || context.Request.Path.StartsWithSegments("/health") || context.Request.Path.StartsWithSegments("/metrics"))
            {
                // Probes and scrapes every few seconds are not client activity.
                await next(context);
                return;
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                var caller = GatewayCaller.From(context.User);
                audit.Write(new AuditEntry(context.Request.Method, context.Request.Path.Value ?? "/", caller?.User ?? "-",
                    caller?.Client ?? "-", context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
            }
        });
    }
}
