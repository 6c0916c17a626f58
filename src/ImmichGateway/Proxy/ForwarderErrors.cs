using ImmichGateway.Audit;
using ImmichGateway.Errors;
using Yarp.ReverseProxy.Forwarder;

namespace ImmichGateway.Proxy;

/// <summary>
/// Turns YARP's bare status codes for failed forwards into problem details: Immich unreachable → 502 (fast),
/// Immich too slow → 504, body too large → 413. A client that went away is not an error and is logged at Debug.
/// </summary>
internal static class ForwarderErrors
{
    public static async Task HandleAsync(HttpContext context, RequestDelegate next)
    {
        // Immich's answers pass as Immich sent them, a bodiless error too: not replaced by the gateway's problem page.
        if (context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } statusCodePages)
        {
            statusCodePages.Enabled = false;
        }
        await next(context);

        var feature = context.GetForwarderErrorFeature();
        if (feature is null)
        {
            return;
        }
        if (context.Response.HasStarted)
        {
            AnswerCut.Record(context); // YARP cut the answer (aborted the connection, reset the stream): the audit says so
        }

        var logger = context.RequestServices.GetRequiredService<ILogger<ProxyMetrics>>();
        var error = feature.Error;
        var path = context.Request.Path.Value ?? "";
        if (IsClientGone(error))
        {
            ProxyLog.ClientAborted(logger, context.Request.Method, path, error.ToString());
            return;
        }

        if (error == ForwarderError.RequestBodyClient)
        {
            // The client's body broke on its way in (malformed chunks, over the limit): the client's error, not Immich's,
            // so neither an upstream error in the metrics nor a warning.
            var badRequest = FindBadRequest(feature.Exception);
            ProxyLog.Refused(logger, context.Request.Method, path, badRequest?.Message ?? "the request body could not be read");
            if (!context.Response.HasStarted)
            {
                await (badRequest?.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? context.WriteProblemAsync(StatusCodes.Status413PayloadTooLarge, "Request body too large", "The request body is larger than this route accepts.")
                    : context.WriteProblemAsync(badRequest?.StatusCode ?? StatusCodes.Status400BadRequest, "Bad request body", "The request body could not be read."));
            }
            return;
        }

        context.RequestServices.GetRequiredService<ProxyMetrics>().UpstreamError(error.ToString());
        ProxyLog.UpstreamFailed(logger, context.Request.Method, path, error.ToString());
        if (context.Response.HasStarted)
        {
            return; // the status line is gone; YARP aborts the response so the client sees it is incomplete
        }

        await (error switch
        {
            ForwarderError.RequestTimedOut => context.WriteProblemAsync(StatusCodes.Status504GatewayTimeout,
                "Immich did not answer in time", "Immich did not answer within the gateway's time limit (Immich:RequestTimeout)."),
            ForwarderError.NoAvailableDestinations => context.WriteProblemAsync(StatusCodes.Status503ServiceUnavailable,
                "Immich is unavailable", "No Immich server is available to the gateway."),
            _ => context.WriteProblemAsync(StatusCodes.Status502BadGateway,
                "Immich is unreachable", "The gateway could not get an answer from Immich."),
        });
    }

    private static bool IsClientGone(ForwarderError error) => error is
        ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled or
        ForwarderError.ResponseBodyClient or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeResponseCanceled or
        ForwarderError.UpgradeRequestClient or ForwarderError.UpgradeResponseClient;

    private static BadHttpRequestException? FindBadRequest(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is BadHttpRequestException badRequest)
            {
                return badRequest;
            }
        }
        return null;
    }
}
