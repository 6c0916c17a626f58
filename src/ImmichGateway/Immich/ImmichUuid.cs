namespace ImmichGateway.Immich;

/// <summary>
/// An id as Immich accepts it in a path or body: a version-4 UUID, 8-4-4-4-12 hex digits with hyphens (the pattern
/// Immich's 400 "Invalid UUID" reports; every id Immich hands out has this form). <see cref="Guid.TryParse(string?, out Guid)"/>
/// is wider: it also takes 32 bare digits, braces, parentheses and other versions, which Immich refuses.
/// </summary>
internal static class ImmichUuid
{
    public static bool IsValid(ReadOnlySpan<char> text)
    {
        if (text.Length != 36)
        {
            return false;
        }
        for (var i = 0; i < text.Length; i++)
        {
            var ok = i switch
            {
                8 or 13 or 18 or 23 => text[i] == '-',
                14 => text[i] == '4',
                19 => text[i] is '8' or '9' or 'a' or 'b' or 'A' or 'B',
                _ => char.IsAsciiHexDigit(text[i]),
            };
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    public static bool TryParse(string? text, out Guid id)
    {
        id = default;
        return text is not null && IsValid(text) && Guid.TryParse(text, out id);
    }
}
