using System.Diagnostics;
using ImmichGateway.Auth;
using ImmichGateway.Observability;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;

namespace ImmichGateway.Audit;

/// <summary>
/// One structured event per request (user, client, method, path, status, duration, outcome) in category
/// <c>ImmichGateway.Audit</c>. It replaces ASP.NET Core's own request logs, which print the query string — where a
/// client may have put a key — and are therefore switched off. Where console logs are JSON lines, the audit category
/// is written by <see cref="AuditConsoleLoggerProvider"/> (same lines, batched, off the request thread) instead of the
/// console logger; other providers (OpenTelemetry's, a test's) receive it as any other category.
/// </summary>
internal static class AuditExtensions
{
    public const string Category = "ImmichGateway.Audit";

    public static IHostApplicationBuilder AddRequestAudit(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        if (ObservabilityExtensions.UsesJsonConsole(builder))
        {
            builder.Logging.Services.TryAddSingleton(_ => AuditOutput.StandardOutput());
            builder.Logging.Services.AddSingleton<ILoggerProvider>(services => new AuditConsoleLoggerProvider(services.GetRequiredService<AuditOutput>()));
            builder.Logging.AddFilter<ConsoleLoggerProvider>(Category, LogLevel.None);
        }
        return builder;
    }

    public static IApplicationBuilder UseRequestAudit(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        return app.Use(async (context, next) =>
        {
            if (!logger.IsEnabled(LogLevel.Information) || context.Request.Path.StartsWithSegments("/health") ||
                context.Request.Path.StartsWithSegments("/metrics"))
            {
                // Probes and scrapes every few seconds are not client activity.
                await next(context);
                return;
            }

            var started = Stopwatch.GetTimestamp();
            var cut = false;
            try
            {
                await next(context);
            }
            catch when (context.Response.HasStarted)
            {
                cut = true; // the server cuts the connection (or resets the stream) for an exception after the status went out
                throw;
            }
            finally
            {
                // A cut answer's status may say 200: the gateway cut it (Immich stalled or broke off mid-answer), or the
                // client went away. Reading the token costs nothing new: the pipeline has already asked for it (YARP,
                // the gateway's own routes), and Kestrel reuses one token source per connection anyway.
                var outcome = cut || AnswerCut.IsCut(context) || context.RequestAborted.IsCancellationRequested
                    ? AuditOutcome.Aborted
                    : AuditOutcome.Complete;
                var caller = GatewayCaller.From(context.User);
                AuditLog.Request(logger, context.Request.Method, context.Request.Path.Value ?? "/", caller?.User ?? "-",
                    caller?.Client ?? "-", context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds, outcome);
            }
        });
    }
}
