using System.Collections.Concurrent;

namespace ImmichGateway.Keys;

/// <summary>
/// Keeps a configuration file that stopped parsing from changing the user list. The configuration system reloads such
/// a file as empty; until it parses again, the users are read with that file's last good <c>Gateway:Users</c> settings
/// in its place (<see cref="UsersConfiguration"/>), so an edit of another source (a mounted Secret directory) still takes
/// effect without dropping the broken file's users.
/// </summary>
internal sealed class ConfigurationFileGuard : IDisposable
{
    private const string UsersPath = $"{GatewayUsersOptions.SectionName}:Users";

    private readonly ConcurrentDictionary<IConfigurationProvider, byte> _failedLoads = new(); // failed, not yet seen as loaded
    private readonly ConcurrentDictionary<IConfigurationProvider, byte> _broken = new();
    private readonly ConcurrentDictionary<IConfigurationProvider, Dictionary<string, string?>> _lastGood = new();
    private readonly List<IDisposable> _registrations = [];

    /// <summary>Raised when a broken file parses again: the users must be read again with its new settings.</summary>
    public event Action? Recovered;

    public void OnLoadException(FileLoadExceptionContext context)
    {
        _failedLoads[context.Provider] = 0;
        context.Ignore = true; // never crash the process from a file-watcher thread
    }

    /// <summary>Follows every file of <paramref name="root"/>: remembers its last good settings, notices when it parses again.</summary>
    public void Watch(IConfigurationRoot root)
    {
        foreach (var provider in root.Providers.OfType<FileConfigurationProvider>())
        {
            _lastGood[provider] = UsersSettingsOf(provider);
            _registrations.Add(Microsoft.Extensions.Primitives.ChangeToken.OnChange(provider.GetReloadToken, () => Loaded(provider)));
        }
    }

    /// <summary>The files that do not parse now (by name, for the log), also those whose failure is still being reported.</summary>
    public IReadOnlyList<string> BrokenFiles =>
        _broken.Keys.Concat(_failedLoads.Keys).Distinct().Select(p => Path.GetFileName(((FileConfigurationProvider)p).Source.Path ?? "a configuration file")).ToList();

    /// <summary>
    /// The configuration to read the users from: <paramref name="root"/> itself, or, while a file is broken, its
    /// <c>Gateway:Users</c> settings merged in the same order with that file's last good ones in its place.
    /// </summary>
    public IConfiguration UsersConfiguration(IConfigurationRoot root)
    {
        if (_broken.IsEmpty && _failedLoads.IsEmpty)
        {
            return root;
        }
        var merged = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var provider in root.Providers)
        {
            var settings = _broken.ContainsKey(provider) || _failedLoads.ContainsKey(provider)
                ? _lastGood.GetValueOrDefault(provider) ?? []
                : UsersSettingsOf(provider);
            foreach (var (key, value) in settings)
            {
                merged[key] = value; // later providers win, as in the configuration itself
            }
        }
        return new ConfigurationBuilder().AddInMemoryCollection(merged).Build();
    }

    /// <summary>After each load of a file: a load that failed marks it broken; one that did not records its settings.</summary>
    private void Loaded(FileConfigurationProvider provider)
    {
        if (_failedLoads.TryRemove(provider, out _))
        {
            _broken[provider] = 0;
            return;
        }
        _lastGood[provider] = UsersSettingsOf(provider);
        if (_broken.TryRemove(provider, out _))
        {
            Recovered?.Invoke();
        }
    }

    private static Dictionary<string, string?> UsersSettingsOf(IConfigurationProvider provider)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Collect(UsersPath);
        return settings;

        void Collect(string path)
        {
            if (provider.TryGet(path, out var value))
            {
                settings[path] = value;
            }
            foreach (var child in provider.GetChildKeys([], path).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                Collect($"{path}:{child}");
            }
        }
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }
}
