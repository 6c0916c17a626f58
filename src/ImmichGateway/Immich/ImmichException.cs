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

    /// <summary>The most of an error body the gateway reads: Immich's errors are a short JSON message.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <inheritdoc cref="FromResponseAsync(HttpResponseMessage, TimeSpan?, CancellationToken)"/>
    public static Task<ImmichException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        FromResponseAsync(response, null, cancellationToken);

    /// <summary>
    /// Reads an error response and disposes it. A body over <see cref="MaxBodyBytes"/> is no Immich error (something
    /// else answers at Immich's address): <see cref="ImmichUnreadableAnswerException"/>, never read whole. With
    /// <paramref name="idle"/>, Immich going silent inside the body for that long throws <see cref="ImmichSilentException"/>.
    /// </summary>
    public static async Task<ImmichException> FromResponseAsync(HttpResponseMessage response, TimeSpan? idle, CancellationToken cancellationToken)
    {
        using (response)
        {
            var body = await ReadBoundedAsync(response, idle, cancellationToken);
            var headers = new HeaderDictionary();
            ImmichPassThrough.CopyHeaders(response, headers);
            return new ImmichException((int)response.StatusCode, headers, body);
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, TimeSpan? idle, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > MaxBodyBytes)
        {
            throw TooLarge(response);
        }
        var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using var stream = idle is { } timeout
            ? new ImmichAnswerStream(body, timeout, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}", cancellationToken)
            : body;
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                throw TooLarge(response);
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static ImmichUnreadableAnswerException TooLarge(HttpResponseMessage response) =>
        new($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}",
            $"{(int)response.StatusCode} with an error body over {MaxBodyBytes / 1024} KiB");
}

/// <summary>
/// Immich answered, but not with what its API describes: an HTML page (a login portal or another server at
/// <c>Immich:BaseUrl</c>), an empty 204 where JSON was due, a required field missing or null, an error body too large
/// to be Immich's. The client gets a 502 problem; <see cref="Exception.Message"/> says which call and what came back
/// (paths and ids only, never a key).
/// </summary>
internal sealed class ImmichUnreadableAnswerException(string call, string answer, Exception? inner = null)
    : Exception($"Immich's answer to {call} could not be read: {answer}.", inner);

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
