using System.Net.Http.Json;
using ImmichGateway.Immich;
using Microsoft.AspNetCore.Http.Extensions;

namespace ImmichGateway.Reference;

/// <summary>The small pieces every translation uses: one Immich call, answered as Immich answered.</summary>
internal static class ReferenceForwarding
{
    /// <summary>Query parameters that carry credentials (never forwarded) or that only the gateway understands.</summary>
    private static readonly HashSet<string> NeverForwarded = new(StringComparer.OrdinalIgnoreCase) { "apiKey", "sessionKey", "key", "slug" };

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

    /// <summary>The client's body, streamed to Immich unread, with its content headers.</summary>
    public static HttpContent? StreamedBody(HttpRequest request)
    {
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding")))
        {
            return null;
        }
        var content = new StreamContent(request.Body);
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
            if (!NeverForwarded.Contains(name) && !consumed.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                foreach (var value in values)
                {
                    query.Add(name, value ?? "");
                }
            }
        }
        return query.ToQueryString().Value ?? "";
    }

    /// <summary>Copies the conditional and range headers a media request may carry (304s and 206s keep working).</summary>
    public static void CopyConditionalHeaders(HttpRequest from, HttpRequestMessage to)
    {
        foreach (var name in new[] { "If-None-Match", "If-Modified-Since", "Range", "If-Range", "Accept" })
        {
            if (from.Headers.TryGetValue(name, out var values))
            {
                to.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }
    }

    /// <summary>
    /// The client's optional JSON body. Read by hand rather than bound, so a request without a JSON content type still
    /// reaches this endpoint (and is not mistaken for a proxied route); malformed JSON is a 400 problem.
    /// </summary>
    public static async Task<(T? Value, IResult? Error)> ReadJsonAsync<T>(HttpRequest request) where T : class
    {
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding")))
        {
            return (null, null);
        }
        try
        {
            return (await System.Text.Json.JsonSerializer.DeserializeAsync<T>(request.Body, ImmichClient.Json, request.HttpContext.RequestAborted), null);
        }
        catch (System.Text.Json.JsonException)
        {
            return (null, BadRequest("The request body is not valid JSON of the expected shape."));
        }
    }

    public static IResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request");
}
