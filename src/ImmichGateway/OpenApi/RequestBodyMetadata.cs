namespace ImmichGateway.OpenApi;

/// <summary>
/// Documents a request body that the handler reads itself. (Declaring it with <c>Accepts&lt;T&gt;</c> would also
/// make routing demand that content type, and a request without it would fall through to the proxy.) Its schema is
/// the gateway's <see cref="Type"/>, or for a body sent on to Immich as it came, <see cref="ImmichSchema"/>: the name
/// of the Immich operation's own schema (<see cref="ImmichSchemas"/>).
/// </summary>
internal sealed record RequestBodyMetadata(Type? Type, string ContentType = "application/json", bool Required = false, string? ImmichSchema = null);

internal static class RequestBodyMetadataExtensions
{
    public static RouteHandlerBuilder DocumentsBody<T>(this RouteHandlerBuilder builder, bool required = false) =>
        builder.WithMetadata(new RequestBodyMetadata(typeof(T), Required: required));

    public static RouteHandlerBuilder DocumentsImmichBody(this RouteHandlerBuilder builder, string schema, string contentType = "application/json", bool required = true) =>
        builder.WithMetadata(new RequestBodyMetadata(null, contentType, required, schema));
}
