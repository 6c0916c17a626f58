using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ImmichGateway.Immich;
using ImmichGateway.Proxy;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace ImmichGateway.Reference;

/// <summary>The small pieces every translation uses: one Immich call, answered as Immich answered.</summary>
internal static class ReferenceForwarding
{
    public static async Task<IResult> ForwardAsync(ImmichClient immich, HttpMethod method, string path, HttpContent? content,
        CancellationToken cancellationToken, Func<int, int>? mapStatus = null, Action<HttpRequestMessage>? configure = null,
        IReadOnlyDictionary<string, string>? successHeaders = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        configure?.Invoke(request);
        var response = await immich.SendAsync(request, cancellationToken);
        return new ImmichPassThrough(response, mapStatus) { SuccessHeaders = successHeaders };
    }

    public static HttpContent Json(object body) => JsonContent.Create(body, options: ImmichClient.Json);

    /// <summary>
    /// Largest JSON body a translated route reads before it calls Immich: Immich's own limit for JSON bodies (10 MB), so
    /// nothing Immich would take is refused.
    /// </summary>
    public const int MaxJsonBodyBytes = 10 * 1024 * 1024;

    /// <summary>
    /// The client's body, streamed to Immich as it comes, with its content headers: the profile image's multipart upload
    /// (never buffered).
    /// </summary>
    public static HttpContent? StreamedBody(HttpRequest request)
    {
        if (!ProxiedJsonBody.HasBody(request))
        {
            return null;
        }
        var content = new StreamContent(new ClientBodyStream(request.Body));
        if (request.ContentType is { } contentType)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        if (request.ContentLength is { } length)
        {
            content.Headers.ContentLength = length;
        }
        return content;
    }

    /// <summary>The client's query string minus credentials and the parameters the translation consumes.</summary>
    public static string QueryWithout(HttpRequest request, params string[] consumed)
    {
        var query = new QueryBuilder();
        foreach (var (name, values) in request.Query)
        {
            if (!ImmichHeaders.IsCredentialQueryParameter(name) && !consumed.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                foreach (var value in values)
                {
                    query.Add(name, value ?? "");
                }
            }
        }
        return query.ToQueryString().Value ?? "";
    }

    private static readonly string[] ConditionalHeaders =
        ["If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since", "Range", "If-Range", "Accept", "Cache-Control"];

    /// <summary>
    /// Copies the conditional and range headers a media request may carry (304s, 206s and 412s keep working), and its
    /// Cache-Control (with <c>no-cache</c>, Immich answers the image rather than a 304).
    /// </summary>
    public static void CopyConditionalHeaders(HttpRequest from, HttpRequestMessage to)
    {
        foreach (var name in ConditionalHeaders)
        {
            if (from.Headers.TryGetValue(name, out var values))
            {
                to.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }
    }

    /// <summary>
    /// The client's optional JSON body. Read by hand rather than bound, so a request without a JSON content type still
    /// reaches this endpoint (and is not mistaken for a proxied route); malformed JSON is a 400 problem, a body over
    /// <see cref="MaxJsonBodyBytes"/> a 413 problem.
    /// </summary>
    public static async Task<(T? Value, IResult? Error)> ReadJsonAsync<T>(HttpRequest request) where T : class
    {
        var (value, _, error) = await ReadJsonAndBytesAsync<T>(request);
        return (value, error);
    }

    /// <summary>
    /// <see cref="ReadJsonAsync{T}"/>, keeping the bytes read (in memory, never a temp file) for a route that forwards
    /// them as they came.
    /// </summary>
    public static async Task<(T? Value, byte[]? Body, IResult? Error)> ReadJsonAndBytesAsync<T>(HttpRequest request) where T : class
    {
        var (body, error) = await ReadBoundedAsync(request);
        if (error is not null || body is null)
        {
            return (null, null, error);
        }
        try
        {
            return (JsonSerializer.Deserialize<T>(body, ImmichClient.Json), body, null);
        }
        catch (JsonException)
        {
            return (null, null, BadRequest("The request body is not valid JSON of the expected shape."));
        }
    }

    /// <summary>
    /// Forwards the client's JSON body unchanged, byte for byte, once it is known to be a JSON object sent as
    /// <c>application/json</c> (every body Immich takes on these routes is an object). Anything else is a 400 problem
    /// and Immich is not called: Immich would answer malformed JSON with its own 400, and ignore a body of another
    /// content type (an update that silently changes nothing). No body: none is sent, as the client sent none.
    /// </summary>
    public static Task<IResult> ForwardJsonObjectAsync(ImmichClient immich, HttpMethod method, string path, HttpRequest request,
        Func<byte[], byte[]>? translate = null) =>
        ForwardJsonObjectAsync(immich, method, () => Task.FromResult(path), request, translate);

    /// <inheritdoc cref="ForwardJsonObjectAsync(ImmichClient, HttpMethod, string, HttpRequest, Func{byte[], byte[]})"/>
    /// <param name="path">Where to, decided once the body passed (it may ask Immich).</param>
    /// <param name="translate">A reference field Immich renamed, rewritten in the (valid JSON object) body.</param>
    public static async Task<IResult> ForwardJsonObjectAsync(ImmichClient immich, HttpMethod method, Func<Task<string>> path, HttpRequest request,
        Func<byte[], byte[]>? translate = null)
    {
        var (body, error) = await ReadBoundedAsync(request);
        if (error is not null)
        {
            return error;
        }
        if (body is not null && !IsJsonObject(request.ContentType, body))
        {
            return BadRequest("The request body must be a JSON object sent as application/json.");
        }
        var rules = request.HttpContext.RequestServices.GetRequiredService<ImmichRouteRules>();
        if (body is not null && rules.ChecksBody(request) && ImmichRouteRules.BodyRefusal(body) is var (status, detail))
        {
            return TypedResults.Problem(detail, statusCode: status, title: status == StatusCodes.Status403Forbidden ? "Forbidden by the gateway" : "Bad request");
        }
        var content = body is null ? null : BodyAsSent(translate is null ? body : translate(body), request);
        return await ForwardAsync(immich, method, await path(), content, request.HttpContext.RequestAborted);
    }

    /// <summary>A body the route read (bounded, in memory), to go to Immich with the client's content type.</summary>
    public static HttpContent BodyAsSent(byte[] body, HttpRequest request)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        return content;
    }

    private static bool IsJsonObject(string? contentType, byte[] body)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType) ||
            !string.Equals(mediaType.MediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var reader = new Utf8JsonReader(body); // comments and trailing content are errors, as for Immich's JSON.parse
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            while (reader.Read())
            {
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// The client's body, read whole: null when there is none, a 413 problem beyond <see cref="MaxJsonBodyBytes"/>
    /// (or <c>Gateway:MaxRequestBodySize</c> when that is smaller), so a JSON route never buffers without bound.
    /// </summary>
    private static async Task<(byte[]? Body, IResult? Error)> ReadBoundedAsync(HttpRequest request)
    {
        if (!ProxiedJsonBody.HasBody(request))
        {
            return (null, null);
        }
        var limit = Math.Min(MaxJsonBodyBytes, request.HttpContext.RequestServices.GetRequiredService<IOptions<ProxyOptions>>().Value.MaxRequestBodySize);
        if (request.ContentLength > limit)
        {
            return (null, TooLarge(limit));
        }
        var body = await BoundedBody.ReadAtMostAsync(request.Body, request.ContentLength, limit, request.HttpContext.RequestAborted);
        return body is null ? (null, TooLarge(limit)) : (body, null);
    }

    private static IResult TooLarge(long limit) =>
        TypedResults.Problem($"A JSON body on this route may be at most {limit} bytes.",
            statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large");

    public static IResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request");
}
