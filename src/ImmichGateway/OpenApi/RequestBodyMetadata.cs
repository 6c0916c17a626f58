namespace ImmichGateway.OpenApi;

/// <summary>
/// Documents a JSON request body that the handler reads itself. (Declaring it with <c>Accepts&lt;T&gt;</c> would also
/// make routing demand that content type, and a request without it would fall through to the proxy.)
/// </summary>
internal sealed record RequestBodyMetadata(Type Type, string ContentType = "application/json", bool Required = false);

internal static class RequestBodyMetadataExtensions
{
    public static RouteHandlerBuilder DocumentsBody<T>(this RouteHandlerBuilder builder, bool required = false) =>
        builder.WithMetadata(new RequestBodyMetadata(typeof(T), Required: required));

    public static RouteHandlerBuilder DocumentsRawBody(this RouteHandlerBuilder builder, string contentType, bool required = true) =>
        builder.WithMetadata(new RequestBodyMetadata(typeof(object), contentType, required));
}
