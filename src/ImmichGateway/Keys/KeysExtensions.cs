using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace ImmichGateway.Keys;

internal static class KeysExtensions
{
    /// <summary>
    /// Users, their Immich keys and their client key hashes, validated at start-up and followed on reload.
    /// <c>Gateway:ConfigDirectory</c> adds a directory of one-file-per-setting (a mounted Kubernetes Secret), polled for changes.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayKeys(this IHostApplicationBuilder builder)
    {
        if (builder.Configuration["Gateway:ConfigDirectory"] is { Length: > 0 } directory)
        {
            builder.Configuration.AddKeyPerFile(source =>
            {
                // Secret volumes are updated by swapping a symlink, which file-system events miss: poll instead.
                source.FileProvider = new PhysicalFileProvider(Path.GetFullPath(directory))
                {
                    UsePollingFileWatcher = true,
                    UseActivePolling = true,
                };
                source.Optional = false;
                source.ReloadOnChange = true;
                source.ReloadDelay = 250;
                source.IgnoreCondition = name => name.StartsWith("..", StringComparison.Ordinal);
            });
        }

        // The files were loaded once already (a broken file fails start-up). From now on a file that stops parsing
        // must neither take the process down nor wipe the user list.
        var guard = new ConfigurationFileGuard();
        foreach (var source in builder.Configuration.Sources.OfType<FileConfigurationSource>())
        {
            source.OnLoadException ??= guard.OnLoadException;
        }
        ((IConfigurationBuilder)builder.Configuration).SetFileLoadExceptionHandler(guard.OnLoadException);
        builder.Services.AddSingleton(guard);

        builder.Services.AddSingleton<IValidateOptions<GatewayUsersOptions>, GatewayUsersValidator>();
        builder.Services.AddOptions<GatewayUsersOptions>()
            .Configure<IConfiguration>((options, configuration) => GatewayUsersReader.ReadInto(configuration, options))
            .ValidateOnStart();
        builder.Services.AddSingleton<GatewayUsersStore>();
        return builder;
    }
}
