using Microsoft.AspNetCore.Http;

namespace ImmichGateway.Tests.Fixtures;

/// <summary>
/// Immich failing inside an answer whose headers it already sent, for <see cref="FakeImmich.Intercepts"/>: going
/// silent, or breaking off (its connection closes short of the length it announced).
/// </summary>
public static class ImmichMidAnswer
{
    /// <summary>Headers, then <paramref name="start"/> (may be empty), then nothing until the gateway gives up.</summary>
    public static async Task<bool> StallAsync(HttpContext context, string start = "", int status = StatusCodes.Status200OK)
    {
        await SendStartAsync(context, start, status);
        await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
        return true;
    }

    /// <summary>Headers announcing 100,000 bytes, then <paramref name="start"/> (may be empty), then the connection closes.</summary>
    public static async Task<bool> BreakOffAsync(HttpContext context, string start = "")
    {
        context.Response.ContentLength = 100_000;
        await SendStartAsync(context, start, StatusCodes.Status200OK);
        return true; // Kestrel closes the connection: too few bytes for the Content-Length
    }

    /// <summary>One or the other.</summary>
    public static Task<bool> FailAsync(HttpContext context, bool breaksOff, string start = "") =>
        breaksOff ? BreakOffAsync(context, start) : StallAsync(context, start);

    private static async Task SendStartAsync(HttpContext context, string start, int status)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(start, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
