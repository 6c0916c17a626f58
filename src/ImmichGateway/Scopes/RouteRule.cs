namespace ImmichGateway.Scopes;

/// <summary>
/// One entry of a client's <c>Routes</c> allow-list: a method (or <c>*</c>) and a path pattern in which <c>*</c> stands
/// for one segment and a final <c>**</c> for the rest. Matching ignores case and a trailing slash, as Immich does.
/// </summary>
internal sealed record RouteRule(string Method, string[] Segments)
{
    public static bool TryParse(string? text, out RouteRule? rule)
    {
        rule = null;
        var parts = (text ?? "").Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !parts[1].StartsWith('/') || parts[0].Any(c => !char.IsAsciiLetter(c) && c != '*'))
        {
            return false;
        }
        var segments = parts[1].Trim('/').Split('/');
        if (segments.Take(segments.Length - 1).Contains("**"))
        {
            return false;
        }
        rule = new RouteRule(parts[0].ToUpperInvariant(), segments);
        return true;
    }

    public bool Matches(string method, string path)
    {
        // A GET rule allows HEAD too: a HEAD tells nothing its GET would not.
        if (Method != "*" && !string.Equals(Method, method, StringComparison.OrdinalIgnoreCase) &&
            !(HttpMethods.IsHead(method) && string.Equals(Method, HttpMethods.Get, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }
        var actual = path.Trim('/').Split('/');
        for (var i = 0; i < Segments.Length; i++)
        {
            if (Segments[i] == "**")
            {
                return true;
            }
            if (i >= actual.Length || (Segments[i] != "*" && !string.Equals(Segments[i], actual[i], StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }
        }
        return actual.Length == Segments.Length;
    }
}
