using System.Security.Cryptography;
using System.Text;

namespace ImmichGateway.Keys;

/// <summary>
/// Client keys are random 256-bit secrets, so a single SHA-256 is enough to store them safely: there is nothing
/// to brute-force, and a per-request lookup stays a hash plus a dictionary probe (no slow KDF on the hot path).
/// </summary>
internal static class ClientKeyHasher
{
    public const string KeyPrefix = "igw_";

    public static byte[] Hash(ReadOnlySpan<char> key)
    {
        var byteCount = Encoding.UTF8.GetByteCount(key);
        Span<byte> buffer = byteCount <= 512 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(key, buffer);
        return SHA256.HashData(buffer);
    }

    public static string HashHex(ReadOnlySpan<char> key) => Convert.ToHexStringLower(Hash(key));

    public static bool IsWellFormedHash(string? value) =>
        value is { Length: 64 } && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <summary>A fresh client key: a recognisable prefix (for secret scanners) and 32 random bytes, base64url.</summary>
    public static string NewKey() =>
        KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
