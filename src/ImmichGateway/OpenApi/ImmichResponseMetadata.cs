namespace ImmichGateway.OpenApi;

/// <summary>
/// A JSON response that is Immich's answer as Immich sent it, documented with the Immich operation's own schema
/// <see cref="Schema"/> (<see cref="ImmichSchemas"/>). The response itself is declared with <c>Produces</c>.
/// </summary>
internal sealed record ImmichResponseMetadata(int Status, string Schema);
