using Microsoft.Extensions.Options;

namespace ImmichGateway.Keys;

/// <summary>
/// Checks the user list. Every message names the setting that is wrong and never its value, because these
/// messages are logged and the values are secrets.
/// </summary>
internal sealed class GatewayUsersValidator : IValidateOptions<GatewayUsersOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayUsersOptions options)
    {
        var errors = new List<string>(options.ShapeErrors);
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        var subjects = new Dictionary<string, string>(StringComparer.Ordinal);
        var emails = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var immichKeyHashes = new Dictionary<string, string>(StringComparer.Ordinal);

        foreach (var (user, settings) in options.Users)
        {
            var prefix = $"Gateway:Users:{user}";
            if (settings is null)
            {
                errors.Add($"{prefix} is empty; a user needs at least {prefix}:ImmichApiKey.");
                continue;
            }
            if (string.IsNullOrWhiteSpace(settings.ImmichApiKey))
            {
                errors.Add($"{prefix}:ImmichApiKey is missing; every user needs their own Immich API key.");
            }
            else
            {
                immichKeyHashes.TryAdd(ClientKeyHasher.HashHex(settings.ImmichApiKey), prefix);
            }
            if (!string.IsNullOrEmpty(settings.Subject) && !subjects.TryAdd(settings.Subject, prefix))
            {
                errors.Add($"{prefix}:Subject is the same as {subjects[settings.Subject]}:Subject; a token subject must map to one user.");
            }
            if (!string.IsNullOrEmpty(settings.Email) && !emails.TryAdd(settings.Email, prefix))
            {
                errors.Add($"{prefix}:Email is the same as {emails[settings.Email]}:Email; an email must map to one user.");
            }

            foreach (var (client, clientSettings) in settings.Clients)
            {
                var setting = $"{prefix}:Clients:{client}:KeySha256";
                var hash = clientSettings?.KeySha256;
                if (!ClientKeyHasher.IsWellFormedHash(hash))
                {
                    errors.Add($"{setting} must be the lowercase hex SHA-256 of the client key (64 characters 0-9a-f); run 'new-client-key' to make one.");
                }
                else if (!hashes.TryAdd(hash!, setting))
                {
                    errors.Add($"{setting} is the same as {hashes[hash!]}; every client needs its own key.");
                }
                var clientPrefix = $"{prefix}:Clients:{client}";
                foreach (var (album, index) in (clientSettings?.Albums ?? []).Select((a, i) => (a, i)))
                {
                    if (!Guid.TryParse(album, out _))
                    {
                        errors.Add($"{clientPrefix}:Albums:{index} must be an album id (a UUID).");
                    }
                }
                foreach (var (route, index) in (clientSettings?.Routes ?? []).Select((r, i) => (r, i)))
                {
                    if (!Scopes.RouteRule.TryParse(route, out _))
                    {
                        errors.Add($"{clientPrefix}:Routes:{index} must be 'METHOD /path', e.g. 'GET /api/albums/**'.");
                    }
                }
                if (clientSettings?.RateLimit is { } limit && (limit.PermitLimit <= 0 || limit.TokensPerSecond <= 0))
                {
                    errors.Add($"{clientPrefix}:RateLimit:PermitLimit and TokensPerSecond must be positive.");
                }
            }
        }

        foreach (var (hash, setting) in hashes)
        {
            if (immichKeyHashes.TryGetValue(hash, out var owner))
            {
                errors.Add($"{setting} is the hash of the Immich API key in {owner}:ImmichApiKey; a client key must be a separate secret (run 'new-client-key').");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
