namespace ImmichGateway.Immich;

/// <summary>
/// Immich answered with an error. It is passed on to the client as Immich sent it (status, content type, body), so an
/// upstream 403 stays a 403 and Immich's message stays Immich's.
/// </summary>
internal sealed class ImmichException(int statusCode, HeaderDictionary headers, byte[] body)
    : Exception($"Immich answered {statusCode}.")
{
    public int StatusCode { get; } = statusCode;

    /// <summary>Immich's response headers (ETag, Content-Type, Content-Length …), passed on with the error.</summary>
    public HeaderDictionary Headers { get; } = headers;

    public byte[] Body { get; } = body;

    /// <summary>Immich's error as a result: status, headers (ETag included) and body, exactly as Immich sent them.</summary>
    public IResult ToResult() => new ErrorResult(this);

    /// <summary>Reads an error response (small: Immich's errors are a JSON message) and disposes it.</summary>
    public static async Task<ImmichException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var headers = new HeaderDictionary();
            ImmichPassThrough.CopyHeaders(response, headers);
            return new ImmichException((int)response.StatusCode, headers, body);
        }
    }
}

/// <summary>Immich refused the API key the gateway holds for this user (revoked or deleted in Immich).</summary>
internal sealed class ImmichKeyRejectedException(string user)
    : Exception("Immich refused the API key the gateway holds for this user.")
{
    public string User { get; } = user;
}

file sealed class ErrorResult(ImmichException error) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = error.StatusCode;
        foreach (var (name, values) in error.Headers)
        {
            httpContext.Response.Headers[name] = values;
        }
        // A 304 (Immich's answer to a conditional request) has no body, and Kestrel refuses a write to one, even an
        // empty write; over HTTP/2 it resets the stream.
        return error.Body.Length == 0
            ? Task.CompletedTask
            : httpContext.Response.Body.WriteAsync(error.Body, httpContext.RequestAborted).AsTask();
    }
}
