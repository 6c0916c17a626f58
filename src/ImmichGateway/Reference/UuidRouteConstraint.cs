using ImmichGateway.Immich;

namespace ImmichGateway.Reference;

/// <summary>
/// <c>{id:uuid}</c>: an id as Immich accepts it (<see cref="ImmichUuid"/>). The framework's <c>guid</c> constraint also
/// takes 32 bare digits, braces and parentheses, which Immich refuses (400 "Invalid UUID"); a reference row matching
/// them would send Immich the canonical form and so accept what Immich would not. With this constraint such a path
/// matches no row and reaches Immich as sent, and Immich answers it.
/// </summary>
internal sealed class UuidRouteConstraint : IRouteConstraint
{
    public const string Name = "uuid";

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        values.TryGetValue(routeKey, out var value) && value is string text && ImmichUuid.IsValid(text);
}
