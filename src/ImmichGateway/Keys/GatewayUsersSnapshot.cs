using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;

namespace ImmichGateway.Keys;

/// <summary>What a presented client key turned out to be.</summary>
internal enum KeyMatch { Unknown, Client, ImmichKey }

/// <summary>A configured client: whose it is, its name, the hash that identifies it, and its limits.</summary>
internal sealed record GatewayClient(string User, string Name, string KeySha256, Scopes.ClientScope Scope)
{
    public byte[] HashBytes { get; } = Convert.FromHexString(KeySha256);

    /// <summary>Built once per snapshot and shared by this client's requests (nothing in the pipeline mutates it).</summary>
    public System.Security.Claims.ClaimsPrincipal Principal { get; } =
        new(Auth.GatewayCaller.CreateIdentity(User, Name, KeySha256, Auth.GatewayAuthDefaults.ClientKeyScheme));
}

/// <summary>
/// One immutable, validated view of the user list. Requests read whichever snapshot is current; a reload swaps it
/// whole, so a request never sees half of an edit.
/// </summary>
internal sealed class GatewayUsersSnapshot
{
    private readonly FrozenDictionary<string, GatewayClient> _clientsByHash;
    private readonly FrozenDictionary<string, string> _usersByImmichKeyHash;
    private readonly FrozenDictionary<string, string> _immichKeys;
    private readonly FrozenDictionary<string, string> _usersBySubject;
    private readonly FrozenDictionary<string, string> _usersByEmail;

    public GatewayUsersSnapshot(GatewayUsersOptions options)
    {
        var users = options.Users.Where(u => u.Value is { ImmichApiKey.Length: > 0 }).ToList();
        _immichKeys = users.ToFrozenDictionary(u => u.Key, u => u.Value.ImmichApiKey!, StringComparer.OrdinalIgnoreCase);
        _usersByImmichKeyHash = users
            .GroupBy(u => ClientKeyHasher.HashHex(u.Value.ImmichApiKey!)) // two gateway users may share one Immich account
            .ToFrozenDictionary(g => g.Key, g => g.First().Key, StringComparer.Ordinal);
        _clientsByHash = users
            .SelectMany(u => u.Value.Clients.Where(c => c.Value?.KeySha256 is not null)
                .Select(c => new GatewayClient(u.Key, c.Key, c.Value.KeySha256!, Scopes.ClientScope.From(c.Value))))
            .ToFrozenDictionary(c => c.KeySha256, StringComparer.Ordinal);
        _usersBySubject = users.Where(u => !string.IsNullOrEmpty(u.Value.Subject))
            .ToFrozenDictionary(u => u.Value.Subject!, u => u.Key, StringComparer.Ordinal);
        _usersByEmail = users.Where(u => !string.IsNullOrEmpty(u.Value.Email))
            .ToFrozenDictionary(u => u.Value.Email!, u => u.Key, StringComparer.OrdinalIgnoreCase);
        Fingerprint = ComputeFingerprint(options);
    }

    public int UserCount => _immichKeys.Count;

    public int ClientCount => _clientsByHash.Count;

    /// <summary>Changes whenever anything in the user list changes; never reveals a value.</summary>
    public string Fingerprint { get; }

    /// <summary>Hashes the presented key once and looks the hash up, comparing the match in constant time.</summary>
    public KeyMatch FindByKey(ReadOnlySpan<char> presentedKey, out GatewayClient? client, out string? immichKeyUser)
    {
        client = null;
        immichKeyUser = null;
        var hashBytes = ClientKeyHasher.Hash(presentedKey);
        var hash = Convert.ToHexStringLower(hashBytes);

        if (_clientsByHash.TryGetValue(hash, out var candidate) && CryptographicOperations.FixedTimeEquals(candidate.HashBytes, hashBytes))
        {
            client = candidate;
            return KeyMatch.Client;
        }
        if (_usersByImmichKeyHash.TryGetValue(hash, out var user))
        {
            immichKeyUser = user;
            return KeyMatch.ImmichKey;
        }
        return KeyMatch.Unknown;
    }

    /// <summary>
    /// The user an OIDC token belongs to: by <c>sub</c> first, then by <c>email</c>, the latter only when the
    /// provider says it verified the address.
    /// </summary>
    public string? FindUserByToken(string? subject, string? email, bool emailVerified)
    {
        if (subject is not null && _usersBySubject.TryGetValue(subject, out var user))
        {
            return user;
        }
        if (emailVerified && email is not null && _usersByEmail.TryGetValue(email, out user))
        {
            return user;
        }
        return null;
    }

    public string? ImmichKeyFor(string user) => _immichKeys.GetValueOrDefault(user);

    /// <summary>
    /// The limits of the client a key hash belongs to (unlimited for OIDC callers, who have no key); null when the key
    /// is gone (removed by a reload since the caller was authenticated).
    /// </summary>
    public Scopes.ClientScope? ScopeFor(string? keySha256) =>
        keySha256 is null ? Scopes.ClientScope.Unlimited : _clientsByHash.TryGetValue(keySha256, out var client) ? client.Scope : null;

    /// <summary>Whether a caller authenticated against an earlier snapshot would still be let in by this one.</summary>
    public bool StillAdmits(Auth.GatewayCaller caller, string immichKey) =>
        ImmichKeyFor(caller.User) == immichKey &&
        (caller.KeySha256 is { } keySha256
            ? _clientsByHash.TryGetValue(keySha256, out var client) && string.Equals(client.User, caller.User, StringComparison.OrdinalIgnoreCase)
            : string.Equals(FindUserByToken(caller.TokenSubject, caller.TokenVerifiedEmail, caller.TokenVerifiedEmail is not null), caller.User, StringComparison.OrdinalIgnoreCase));

    private static string ComputeFingerprint(GatewayUsersOptions options)
    {
        var text = new StringBuilder();
        foreach (var (user, settings) in options.Users.OrderBy(u => u.Key, StringComparer.OrdinalIgnoreCase))
        {
            text.Append(user).Append('\n').Append(settings?.ImmichApiKey).Append('\n').Append(settings?.Email).Append('\n').Append(settings?.Subject).Append('\n');
            foreach (var (client, clientSettings) in (settings?.Clients ?? []).OrderBy(c => c.Key, StringComparer.OrdinalIgnoreCase))
            {
                text.Append(client).Append('=').Append(clientSettings?.KeySha256).Append(clientSettings?.ReadOnly)
                    .Append(string.Join(',', clientSettings?.Albums ?? [])).Append(string.Join(',', clientSettings?.Routes ?? []))
                    .Append(clientSettings?.RateLimit?.PermitLimit).Append('/').Append(clientSettings?.RateLimit?.TokensPerSecond).Append('\n');
            }
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
