using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace ImmichGateway.Keys;

/// <summary>
/// Holds the current user list and follows configuration reloads (appsettings, a mounted Secret directory).
/// An invalid edit is logged and ignored: the last good snapshot stays in force until a valid one arrives.
/// </summary>
internal sealed class GatewayUsersStore : IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly IValidateOptions<GatewayUsersOptions> _validator;
    private readonly ConfigurationFileGuard _fileGuard;
    private readonly ILogger<GatewayUsersStore> _logger;
    private readonly IDisposable _reloadRegistration;
    private readonly Lock _reloadLock = new();
    private IReadOnlyList<string> _reportedBroken = [];
    private GatewayUsersSnapshot _current;

    public GatewayUsersStore(IConfiguration configuration, IOptions<GatewayUsersOptions> startupOptions,
        IValidateOptions<GatewayUsersOptions> validator, ConfigurationFileGuard fileGuard, ILogger<GatewayUsersStore> logger)
    {
        _fileGuard = fileGuard;
        _configuration = configuration;
        _validator = validator;
        _logger = logger;
        _current = new GatewayUsersSnapshot(startupOptions.Value); // validated at start-up (ValidateOnStart)
        if (configuration is IConfigurationRoot root)
        {
            _fileGuard.Watch(root);
        }
        _fileGuard.Recovered += Reload;
        _reloadRegistration = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    public GatewayUsersSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Raised after a new, valid snapshot replaced the old one.</summary>
    public event Action<GatewayUsersSnapshot>? Changed;

    private void Reload()
    {
        lock (_reloadLock) // a file's change and its recovery may arrive together
        {
            ReloadLocked();
        }
    }

    private void ReloadLocked()
    {
        var previous = Current;
        var broken = _fileGuard.BrokenFiles;
        var newlyBroken = broken.Except(_reportedBroken).ToList();
        _reportedBroken = broken;
        foreach (var file in newlyBroken)
        {
            KeysLog.ReloadRejected(_logger, $"{file} could not be read (is it valid JSON?); its last good settings stay in force until it is fixed");
        }
        GatewayUsersOptions options;
        try
        {
            // While a file does not parse, its last good settings stand in for it; other sources' edits still apply.
            var configuration = _configuration is IConfigurationRoot root ? _fileGuard.UsersConfiguration(root) : _configuration;
            options = GatewayUsersReader.Read(configuration); // a shape error is reported by the validator, below
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            KeysLog.ReloadRejected(_logger, "the Gateway:Users section could not be read");
            return;
        }

        var result = _validator.Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            KeysLog.ReloadRejected(_logger, result.FailureMessage);
            return;
        }

        // A file that fails to parse was replaced by its last good settings above (the guard); an edit that parses and
        // declares no users at all is the operator revoking everyone, and revocation wins: every key stops working, loudly.
        var next = new GatewayUsersSnapshot(options);
        if (next.Fingerprint == previous.Fingerprint)
        {
            return;
        }
        Volatile.Write(ref _current, next);
        KeysLog.Reloaded(_logger, next.UserCount, next.ClientCount);
        if (next.UserCount == 0)
        {
            KeysLog.NoUsers(_logger);
        }
        Changed?.Invoke(next);
    }

    public void Dispose()
    {
        _fileGuard.Recovered -= Reload;
        _reloadRegistration.Dispose();
    }
}
