using ImmichGateway.Errors;
using ImmichGateway.Proxy;
using Microsoft.AspNetCore.Diagnostics;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace ImmichGateway.Immich;

/// <summary>
/// What the gateway's own Immich calls can fail with, as the client sees it: Immich's error as Immich sent it;
/// 502 when Immich is unreachable, refuses the gateway's key for the user or answers something that is not its API's
/// answer, or breaks off inside its answer; 504 on timeout (also Immich going silent inside its answer); 503 while the
/// circuit breaker is open.
/// </summary>
internal sealed class ImmichExceptionHandler(ProxyMetrics metrics, ILogger<ImmichExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.Response.HasStarted)
        {
            return false;
        }

        switch (exception)
        {
            case ImmichException immich:
                await immich.ToResult().ExecuteAsync(httpContext);
                return true;
            case ImmichKeyRejectedException rejected:
                ProxyLog.ImmichKeyRejected(logger, rejected.User);
                metrics.ImmichKeyRejected(rejected.User);
                await httpContext.WriteProblemAsync(StatusCodes.Status502BadGateway, "Immich rejected the gateway's credential",
                    "Immich refused the API key the gateway holds for this user (revoked or deleted in Immich?). The gateway's operator must update it.");
                return true;
            case ImmichUnreadableAnswerException unreadable:
                ProxyLog.ImmichAnswerUnreadable(logger, unreadable.Message);
                await httpContext.WriteProblemAsync(StatusCodes.Status502BadGateway, "Immich's answer could not be read",
                    "Immich answered with something other than what its API describes. Is Immich:BaseUrl Immich itself, and not a login page or another server?");
                return true;
            case TimeoutRejectedException:
                await httpContext.WriteProblemAsync(StatusCodes.Status504GatewayTimeout, "Immich did not answer in time");
                return true;
            case ImmichSilentException:
                await httpContext.WriteProblemAsync(StatusCodes.Status504GatewayTimeout, "Immich did not answer in time",
                    "Immich stopped in the middle of its answer for longer than the gateway's time limit (Immich:RequestTimeout).");
                return true;
            case BrokenCircuitException:
                await httpContext.WriteProblemAsync(StatusCodes.Status503ServiceUnavailable, "Immich is unavailable",
                    "Recent calls to Immich failed; the gateway is giving it a moment before trying again.");
                return true;
            case HttpRequestException failed when ClientBodyException.In(failed) is { } body:
                // The client's own body failed on its way through (not Immich): its 400 or 413.
                if (!httpContext.RequestAborted.IsCancellationRequested)
                {
                    await httpContext.WriteProblemAsync(body.StatusCode, "Bad request",
                        body.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is too large." : "The request body could not be read.");
                }
                return true;
            case HttpRequestException:
                await httpContext.WriteProblemAsync(StatusCodes.Status502BadGateway, "Immich is unreachable", "The gateway could not get an answer from Immich.");
                return true;
            case BadHttpRequestException badRequest:
                await httpContext.WriteProblemAsync(badRequest.StatusCode, "Bad request", badRequest.StatusCode == 413 ? "The request body is too large." : "The request could not be read.");
                return true;
            default:
                return false;
        }
    }
}
