namespace ImmichGateway.Immich;

/// <summary>
/// Immich's answer, streamed back as Immich sent it: status, entity and caching headers, body. Used where a reference
/// route maps to one Immich call, so errors keep Immich's meaning and media is never buffered.
/// </summary>
internal sealed class ImmichPassThrough(HttpResponseMessage response, Func<int, int>? mapStatus = null) : IResult
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "Proxy-Authenticate", "Trailer", "TE", "Set-Cookie",
    };

    /// <summary>Headers added when Immich succeeded (e.g. a download's file name).</summary>
    public IReadOnlyDictionary<string, string>? SuccessHeaders { get; init; }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        using (response)
        {
            var status = (int)response.StatusCode;
            httpContext.Response.StatusCode = mapStatus?.Invoke(status) ?? status;
            CopyHeaders(response, httpContext.Response.Headers);
            if (response.IsSuccessStatusCode)
            {
                foreach (var (name, value) in SuccessHeaders ?? new Dictionary<string, string>())
                {
                    httpContext.Response.Headers[name] = value;
                }
            }
            if (HttpMethods.IsHead(httpContext.Request.Method) || status is 204 or 304)
            {
                return;
            }
            await using var body = await response.Content.ReadAsStreamAsync(httpContext.RequestAborted);
            await CopyAsync(body, httpContext);
        }
    }

    /// <summary>
    /// Immich's body to the client, as it comes. Immich going silent mid-answer for <c>Immich:RequestTimeout</c> (as the
    /// proxy's idle timeout) or breaking off ends it (<see cref="ImmichAnswerStream"/>), so the client never waits forever.
    /// </summary>
    private static async Task CopyAsync(Stream body, HttpContext httpContext)
    {
        var idle = httpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ImmichOptions>>().Value.RequestTimeout;
        var cancel = httpContext.RequestAborted;
        await using var answer = new ImmichAnswerStream(body, idle, $"{httpContext.Request.Method} {httpContext.Request.Path}", cancel);
        try
        {
            await answer.CopyToAsync(httpContext.Response.Body, 64 * 1024, cancel);
        }
        catch (Exception failure) when (failure is ImmichSilentException or HttpRequestException && !cancel.IsCancellationRequested)
        {
            Fail(httpContext, failure);
        }
    }

    /// <summary>
    /// Immich failed inside its body. Before anything went to the client, the failure is thrown for the exception
    /// handler's problem (504 for silence, 502 for a broken answer); after, the answer is cut, so the client sees it
    /// incomplete, and logged.
    /// </summary>
    private static void Fail(HttpContext httpContext, Exception failure)
    {
        if (!httpContext.Response.HasStarted)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
        var logger = httpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger<ImmichPassThrough>();
        Proxy.ProxyLog.UpstreamFailed(logger, httpContext.Request.Method, httpContext.Request.Path.Value ?? "", $"{failure.Message} The answer was cut.");
        Audit.AnswerCut.Abort(httpContext);
    }

    /// <summary>Immich's headers as Immich wrote them (unparsed, so Cache-Control keeps its order), hop-by-hop ones aside.</summary>
    public static void CopyHeaders(HttpResponseMessage from, IHeaderDictionary to)
    {
        foreach (var (name, values) in from.Headers.NonValidated.Concat(from.Content.Headers.NonValidated))
        {
            if (!HopByHop.Contains(name))
            {
                to[name] = values.ToArray();
            }
        }
    }
}
