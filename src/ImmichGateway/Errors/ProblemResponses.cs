namespace ImmichGateway.Errors;

/// <summary>The gateway's own errors are <c>application/problem+json</c>; this writes one from anywhere in the pipeline.</summary>
internal static class ProblemResponses
{
    public static ValueTask WriteProblemAsync(this HttpContext context, int status, string title, string? detail = null)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
