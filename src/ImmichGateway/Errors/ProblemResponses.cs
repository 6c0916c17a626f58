namespace ImmichGateway.Errors;

/// <summary>The gateway's own errors are <c>application/problem+json</c>; this writes one from anywhere in the pipeline.</summary>
internal static class ProblemResponses
{
    /// <summary>
    /// Writes the problem as the endpoints' <c>TypedResults.Problem</c> do: through the problem details service when the
    /// client's <c>Accept</c> allows JSON, and as <c>application/problem+json</c> anyway when it does not (an image
    /// loader's <c>Accept: image/webp</c>, a browser's <c>text/html</c>). The service alone would throw for those,
    /// turning a 400 or 401 into a 500. Without a title, the status's own (<c>Not Found</c> …).
    /// </summary>
    public static ValueTask WriteProblemAsync(this HttpContext context, int status, string? title = null, string? detail = null) =>
        new(TypedResults.Problem(detail, statusCode: status, title: title).ExecuteAsync(context));

    /// <summary>
    /// An error status without a body (no route: 404, a method the route does not take: 405, a parameter that does not
    /// bind: 400) becomes a problem document, whatever the client accepts; ASP.NET Core's default handler writes
    /// <c>text/plain</c> when the client's <c>Accept</c> names no JSON.
    /// </summary>
    public static IApplicationBuilder UseProblemStatusCodePages(this IApplicationBuilder app) =>
        app.UseStatusCodePages(context => context.HttpContext.WriteProblemAsync(context.HttpContext.Response.StatusCode).AsTask());
}
