using System.Text.Json;
using ImmichGateway.Immich;
using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace ImmichGateway.Aggregates;

/// <summary>
/// How Immich's errors read on a screen endpoint. Immich answers 400 "Not found or no … access" both for an id that
/// does not exist and for one the caller may not see; that is a 404 here. Other client errors keep their status.
/// </summary>
internal static class AggregateErrors
{
    public static BadRequestProblem BadRequest(string detail) => new(detail);

    public static NotFoundProblem NotFound(string detail) => new(detail);

    public static async ValueTask<object?> MapImmichErrorsAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (ImmichException error)
        {
            var message = ReadMessage(error.Body);
            if (error.StatusCode == StatusCodes.Status404NotFound ||
                (error.StatusCode == StatusCodes.Status400BadRequest && message?.StartsWith("Not found", StringComparison.OrdinalIgnoreCase) == true))
            {
                return NotFound("It does not exist, or this user may not see it.");
            }
            var status = error.StatusCode is >= 400 and < 500 ? error.StatusCode : StatusCodes.Status502BadGateway;
            if (error.Headers.TryGetValue("Retry-After", out var retryAfter) && error.StatusCode is 429 or 503)
            {
                context.HttpContext.Response.Headers.RetryAfter = retryAfter; // when to try again, as Immich (or its proxy) said
            }
            return TypedResults.Problem(message, statusCode: status, title: status == 502 ? "Immich failed" : "Immich refused the request");
        }
    }

    private static string? ReadMessage(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("message", out var message) ? message.ToString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>A 400 problem document, declared for OpenAPI when it is part of a handler's <c>Results&lt;…&gt;</c>.</summary>
internal sealed class BadRequestProblem(string detail) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult
{
    public int? StatusCode => StatusCodes.Status400BadRequest;

    public Task ExecuteAsync(HttpContext httpContext) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request").ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status400BadRequest, typeof(ProblemDetails), ["application/problem+json"]));
}

/// <summary>A 404 problem document, declared for OpenAPI when it is part of a handler's <c>Results&lt;…&gt;</c>.</summary>
internal sealed class NotFoundProblem(string detail) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult
{
    public int? StatusCode => StatusCodes.Status404NotFound;

    public Task ExecuteAsync(HttpContext httpContext) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found").ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status404NotFound, typeof(ProblemDetails), ["application/problem+json"]));
}
