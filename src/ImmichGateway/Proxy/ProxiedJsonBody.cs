using System.Text.Json;
using System.Text.Json.Nodes;
using ImmichGateway.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Transforms;

namespace ImmichGateway.Proxy;

/// <summary>
/// A proxied request's JSON body, read whole where the gateway must know what Immich will read before forwarding it
/// (an album-scoped search, a user update that might set a password). Whatever the gateway cannot read exactly as
/// Immich would is refused, never forwarded: Immich (Express) also parses form bodies and inflates gzip bodies, and its
/// <c>JSON.parse</c> keeps the last of two equal property names.
/// </summary>
internal static class ProxiedJsonBody
{
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    /// <summary>
    /// The body as a JSON object, or null once a problem was written (and the request must not be forwarded):
    /// 415 unless <c>application/json</c> without a <c>Content-Encoding</c>, 413 past <c>Gateway:MaxRequestBodySize</c>,
    /// 400 for anything but one JSON object whose property names are all different.
    /// </summary>
    public static async Task<JsonObject?> ReadObjectAsync(HttpContext http, string shape)
    {
        if (await ReadAsync(http) is not { } body)
        {
            return null;
        }
        try
        {
            if (JsonNode.Parse(body, documentOptions: Strict) is JsonObject json)
            {
                return json;
            }
        }
        catch (JsonException)
        {
        }
        await http.WriteProblemAsync(StatusCodes.Status400BadRequest, "Bad request", $"The body must be {shape}, each property named once.");
        return null;
    }

    /// <summary>The body's bytes, or null once a 415 or 413 problem was written (see <see cref="ReadObjectAsync"/>).</summary>
    public static async Task<byte[]?> ReadAsync(HttpContext http)
    {
        var request = http.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) ||
            !type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
            request.Headers.ContentEncoding.Any(coding => !string.Equals(coding, "identity", StringComparison.OrdinalIgnoreCase)))
        {
            await http.WriteProblemAsync(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                "The gateway reads this request's body before Immich does: send it as application/json, without Content-Encoding.");
            return null;
        }
        var limit = http.RequestServices.GetRequiredService<IOptions<ProxyOptions>>().Value.MaxRequestBodySize;
        byte[]? body;
        try
        {
            body = await BoundedBody.ReadAtMostAsync(request.Body, request.ContentLength, limit, http.RequestAborted);
        }
        catch (BadHttpRequestException ex)
        {
            // The server's own limit or a malformed chunked body: the client's error, not Immich's.
            await http.WriteProblemAsync(ex.StatusCode, detail: ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? TooLarge(limit) : ex.Message);
            return null;
        }
        if (body is null)
        {
            await http.WriteProblemAsync(StatusCodes.Status413PayloadTooLarge, "Request body too large", TooLarge(limit));
        }
        return body;
    }

    /// <summary>
    /// Whether the client sent a body: the server's answer (<see cref="IHttpRequestBodyDetectionFeature"/>), which also
    /// knows HTTP/2 and HTTP/3, where a body needs neither Content-Length nor Transfer-Encoding. An explicit
    /// <c>Content-Length: 0</c> is no body.
    /// </summary>
    public static bool HasBody(HttpRequest request) =>
        request.ContentLength is not 0 &&
        (request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody
         ?? (request.ContentLength is > 0 || request.Headers.ContainsKey("Transfer-Encoding")));

    /// <summary>Forwards <paramref name="body"/> in place of the client's (already read) body, as JSON.</summary>
    public static void Replace(RequestTransformContext context, byte[] body)
    {
        var http = context.HttpContext;
        // YARP streams the proxied body from the request body: replace it, and its length.
        http.Request.Body = new MemoryStream(body);
        http.Request.ContentLength = body.Length;
        if (context.ProxyRequest.Content is { } content)
        {
            content.Headers.ContentLength = body.Length;
            content.Headers.ContentEncoding.Clear(); // "identity" at most, and Immich is sent the bytes the gateway read
        }
    }

    private static string TooLarge(long limit) => $"This route accepts at most {limit} bytes (Gateway:MaxRequestBodySize).";
}
