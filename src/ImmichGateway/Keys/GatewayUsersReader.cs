namespace ImmichGateway.Keys;

/// <summary>
/// Reads <c>Gateway:Users</c> from configuration, after checking its shape: only the settings the gateway knows, each
/// where it belongs, lists as lists, flags and numbers readable. The binder alone would skip what it does not know —
/// and a limit it skips is a client without limits: <c>…:Albums=&lt;id&gt;</c> (a value, not the list
/// <c>…:Albums:0</c>) or a misspelt <c>…:Album:0</c> would leave an album-scoped client seeing everything. Its own
/// conversion errors also quote the value, which may be a secret. Messages name the setting, never its value.
/// </summary>
internal static class GatewayUsersReader
{
    private const string UsersPath = $"{GatewayUsersOptions.SectionName}:Users";

    private static readonly string[] UserSettings = [nameof(GatewayUserOptions.ImmichApiKey), nameof(GatewayUserOptions.Email), nameof(GatewayUserOptions.Subject), nameof(GatewayUserOptions.Clients)];

    private static readonly string[] ClientSettings =
        [nameof(GatewayClientOptions.KeySha256), nameof(GatewayClientOptions.ReadOnly), nameof(GatewayClientOptions.Albums), nameof(GatewayClientOptions.Routes), nameof(GatewayClientOptions.RateLimit)];

    private static readonly string[] RateLimitSettings = [nameof(ClientRateLimitOptions.PermitLimit), nameof(ClientRateLimitOptions.TokensPerSecond)];

    /// <summary>The users in <paramref name="configuration"/>; when its shape is wrong, none, and the errors in <see cref="GatewayUsersOptions.ShapeErrors"/>.</summary>
    public static GatewayUsersOptions Read(IConfiguration configuration)
    {
        var options = new GatewayUsersOptions();
        ReadInto(configuration, options);
        return options;
    }

    public static void ReadInto(IConfiguration configuration, GatewayUsersOptions options)
    {
        var errors = ShapeErrors(configuration.GetSection(UsersPath)).ToList();
        if (errors.Count > 0)
        {
            options.ShapeErrors.AddRange(errors);
            return;
        }
        configuration.GetSection(UsersPath).Bind(options.Users);
    }

    private static IEnumerable<string> ShapeErrors(IConfigurationSection users)
    {
        if (users.Value is { Length: > 0 })
        {
            yield return $"{UsersPath} has a value; it must be a section: {UsersPath}:{{user}}:ImmichApiKey, …";
        }
        foreach (var user in users.GetChildren())
        {
            foreach (var error in Section(user, UserSettings, "ImmichApiKey, Email, Subject, Clients:{client}:…"))
            {
                yield return error;
            }
            foreach (var setting in user.GetChildren())
            {
                foreach (var error in Is(setting, nameof(GatewayUserOptions.Clients)) ? Clients(setting) : Leaf(setting))
                {
                    yield return error;
                }
            }
        }
    }

    private static IEnumerable<string> Clients(IConfigurationSection clients)
    {
        if (clients.Value is { Length: > 0 })
        {
            yield return $"{clients.Path} has a value; it must be a section: {clients.Path}:{{client}}:KeySha256, …";
        }
        foreach (var error in clients.GetChildren().SelectMany(Client))
        {
            yield return error;
        }
    }

    private static IEnumerable<string> Client(IConfigurationSection client)
    {
        foreach (var error in Section(client, ClientSettings, "KeySha256, ReadOnly, Albums:{n}, Routes:{n}, RateLimit:…"))
        {
            yield return error;
        }
        foreach (var setting in client.GetChildren())
        {
            IEnumerable<string> errors = setting.Key switch
            {
                _ when Is(setting, nameof(GatewayClientOptions.ReadOnly)) => Leaf(setting).Concat(
                    setting.Value is null || bool.TryParse(setting.Value, out _) ? [] : [$"{setting.Path} must be true or false."]),
                _ when Is(setting, nameof(GatewayClientOptions.Albums)) || Is(setting, nameof(GatewayClientOptions.Routes)) => List(setting),
                _ when Is(setting, nameof(GatewayClientOptions.RateLimit)) => Section(setting, RateLimitSettings, "PermitLimit, TokensPerSecond")
                    .Concat(setting.GetChildren().SelectMany(Leaf))
                    .Concat(setting.GetChildren().Where(n => n.Value is { Length: > 0 } && !int.TryParse(n.Value, out _))
                        .Select(n => $"{n.Path} must be a whole number.")),
                _ => Leaf(setting),
            };
            foreach (var error in errors)
            {
                yield return error;
            }
        }
    }

    /// <summary>A section (no value of its own) holding only <paramref name="known"/> settings.</summary>
    private static IEnumerable<string> Section(IConfigurationSection section, string[] known, string shape)
    {
        if (section.Value is { Length: > 0 })
        {
            yield return $"{section.Path} has a value; it must be a section: {section.Path}:{shape}";
        }
        foreach (var unknown in section.GetChildren().Where(s => !known.Any(k => Is(s, k))))
        {
            yield return $"{unknown.Path} is not a setting the gateway knows (a typo?); {section.Path} takes {shape}.";
        }
    }

    /// <summary>A list (<c>:0</c>, <c>:1</c> …), never one value: <c>Albums=&lt;id&gt;</c> would otherwise be skipped, and the client unlimited.</summary>
    private static IEnumerable<string> List(IConfigurationSection list)
    {
        if (list.Value is { Length: > 0 })
        {
            yield return $"{list.Path} must be a list: {list.Path}:0, {list.Path}:1 … (in environment variables {list.Path.Replace(":", "__")}__0).";
        }
        foreach (var item in list.GetChildren())
        {
            if (!int.TryParse(item.Key, out var index) || index < 0)
            {
                yield return $"{item.Path} is not a list entry; entries are numbered {list.Path}:0, {list.Path}:1 ….";
            }
            foreach (var error in Leaf(item))
            {
                yield return error;
            }
        }
    }

    /// <summary>A single value, with nothing below it.</summary>
    private static IEnumerable<string> Leaf(IConfigurationSection setting) =>
        setting.GetChildren().Any() ? [$"{setting.Path} must be a single value, not a section."] : [];

    private static bool Is(IConfigurationSection section, string name) => string.Equals(section.Key, name, StringComparison.OrdinalIgnoreCase);
}
