using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace ImmichGateway.Proxy;

/// <summary>
/// Which Immich routes are public and which would let a client mint or manage credentials behind the gateway's back.
/// Immich (Express) matches paths case-insensitively and ignores a trailing slash, so these rules do too.
/// </summary>
internal sealed class ImmichRouteRules(IOptions<ProxyOptions> options)
{
    private static readonly string[] CredentialPrefixes =
        ["/api/api-keys", "/api/auth/", "/api/sessions", "/api/oauth/", "/api/admin/auth/", "/api/admin/maintenance/login"];

    /// <summary>Body properties that set a user's password or PIN code (<c>UserUpdateMeDto</c>, <c>UserAdminCreateDto</c>, <c>UserAdminUpdateDto</c>).</summary>
    private static readonly string[] CredentialFields = ["password", "pinCode"];

    private const string CredentialRefusal =
        "Clients of the gateway cannot create or manage Immich credentials (API keys, sessions, logins, passwords, PIN codes); " +
        "the operator can allow it with Gateway:AllowCredentialManagement.";

    private readonly FrozenSet<string> _public = options.Value.EffectivePublicRoutes
        .Select(r => r.TrimEnd('/')).ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public bool IsPublic(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) &&
        _public.Contains(TrimTrailingSlash(request.Path.Value));

    /// <summary>Why the request is refused, or null when it may go on.</summary>
    public string? Refusal(HttpRequest request)
    {
        if (options.Value.AllowCredentialManagement || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            return null;
        }
        var path = request.Path.Value ?? "";
        foreach (var prefix in CredentialPrefixes)
        {
            if (path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) &&
                (prefix.EndsWith('/') || path.Length == prefix.Length || path[prefix.Length] == '/'))
            {
                return CredentialRefusal;
            }
        }
        return null;
    }

    /// <summary>
    /// Whether the request's JSON body must be read before it is forwarded (<see cref="BodyRefusal"/>): updates of an
    /// existing account (the user's own, or any user's by an admin), which take a password and a PIN code beside
    /// harmless fields. Creating a user is not among them: the new account's first password is the admin's to give
    /// (Immich requires one), and the reference API's <c>POST /api/users</c> creates users.
    /// </summary>
    public bool ChecksBody(HttpRequest request)
    {
        var method = request.Method;
        if (options.Value.AllowCredentialManagement || !(HttpMethods.IsPut(method) || HttpMethods.IsPatch(method)))
        {
            return false;
        }
        var path = TrimTrailingSlash(request.Path.Value).AsSpan();
        return path.Equals("/api/users/me", StringComparison.OrdinalIgnoreCase) ||
               IsOneBelow(path, "/api/admin/users/") ||
               IsOneBelow(path, "/api/users/"); // the reference's PUT /api/users/{id} (Immich's admin update, translated)
    }

    private static bool IsOneBelow(ReadOnlySpan<char> path, string parent) =>
        path.Length > parent.Length && path.StartsWith(parent, StringComparison.OrdinalIgnoreCase) && !path[parent.Length..].Contains('/');

    /// <summary>
    /// Why a body for a route of <see cref="ChecksBody"/> is refused: it sets a password or PIN code (as Immich would read
    /// it: escaped names included, and a name given twice counts), or it is not one JSON object the gateway can read as
    /// Immich would. Null when it may go on.
    /// </summary>
    public static (int Status, string Detail)? BodyRefusal(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (StatusCodes.Status400BadRequest, "The body must be a JSON object.");
            }
            string? field = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                if (field is null)
                {
                    foreach (var name in CredentialFields)
                    {
                        if (reader.ValueTextEquals(name))
                        {
                            field = name;
                        }
                    }
                }
                reader.Read();
                reader.Skip(); // the value, nested objects and arrays whole
            }
            while (reader.Read())
            {
                // the rest must still be well-formed (nothing may follow the object)
            }
            return field is null ? null
                : (StatusCodes.Status403Forbidden, $"{CredentialRefusal} This body sets '{field}'; leave it out to change the rest.");
        }
        catch (JsonException)
        {
            return (StatusCodes.Status400BadRequest, "The body is not valid JSON.");
        }
    }

    private static string TrimTrailingSlash(string? path) =>
        path is { Length: > 1 } && path[^1] == '/' ? path.TrimEnd('/') : path ?? "";
}
