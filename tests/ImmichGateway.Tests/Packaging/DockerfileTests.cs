using System.Text.Json;
using System.Text.RegularExpressions;

namespace ImmichGateway.Tests.Packaging;

public sealed partial class DockerfileTests
{
    private static readonly string Dockerfile = Repository.Read("Dockerfile");

    /// <summary>
    /// What the Ubuntu Chiseled ASP.NET image carries besides .NET: glibc (libc6's libs slice), libstdc++, libgcc_s,
    /// and OpenSSL. A native library needing anything else needs another runtime image.
    /// </summary>
    private static readonly HashSet<string> ChiseledLibraries =
    [
        "libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "libresolv.so.2", "libutil.so.1",
        "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1", "libstdc++.so.6", "libgcc_s.so.1", "libssl.so.3", "libcrypto.so.3",
    ];

    private static string RuntimeStage => Dockerfile[Dockerfile.LastIndexOf("\nFROM ", StringComparison.Ordinal)..];

    [Fact]
    public void Dockerfile_BuildsWithTheSdkAndRunsOnAChiseledAspNetImage()
    {
        var stages = FromLine().Matches(Dockerfile).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(2, stages.Count);
        Assert.Contains("mcr.microsoft.com/dotnet/sdk:", stages[0]);
        Assert.Contains("mcr.microsoft.com/dotnet/aspnet:", stages[1]);
        Assert.Contains("-chiseled", stages[1]);
    }

    [Fact]
    public void Dockerfile_RestoresFromProjectFilesBeforeCopyingSources()
    {
        var restore = Dockerfile.IndexOf("RUN dotnet restore", StringComparison.Ordinal);
        var sources = Dockerfile.IndexOf("COPY src/ImmichGateway/ ", StringComparison.Ordinal);

        Assert.True(Dockerfile.IndexOf("COPY Directory.Build.props Directory.Packages.props", StringComparison.Ordinal) is >= 0 and var props && props < restore);
        Assert.True(restore >= 0 && sources > restore, "restore must run before the sources are copied, so its layer is cached");
    }

    [Fact]
    public void Dockerfile_RestoresInLockedModeFromTheCommittedLockFile()
    {
        var restore = Dockerfile.IndexOf("RUN dotnet restore", StringComparison.Ordinal);
        var lockFile = Dockerfile.IndexOf("src/ImmichGateway/packages.lock.json", StringComparison.Ordinal);

        Assert.Matches(@"(?m)^RUN dotnet restore --locked-mode src/ImmichGateway/ImmichGateway\.csproj\s*$", Dockerfile);
        Assert.True(lockFile >= 0 && lockFile < restore, "the lock file must be copied before the restore that checks it");
        Assert.True(File.Exists(Path.Combine(Repository.Root, "src", "ImmichGateway", "packages.lock.json")), "packages.lock.json is committed");
        Assert.Contains("<RestorePackagesWithLockFile>true</RestorePackagesWithLockFile>", Repository.Read("Directory.Build.props"));
    }

    [Fact]
    public void Dockerfile_RunsTheGatewayAsNonRootOn8080WithoutHealthcheck()
    {
        var entrypoint = JsonSerializer.Deserialize<string[]>(EntrypointLine().Match(RuntimeStage).Groups[1].Value)!;

        Assert.Equal(["dotnet", typeof(Program).Assembly.GetName().Name + ".dll"], entrypoint); // exec form: dotnet gets SIGTERM
        Assert.Matches(@"(?m)^USER \$APP_UID\s*$", RuntimeStage);
        Assert.Matches(@"(?m)^EXPOSE 8080\s*$", RuntimeStage);
        Assert.Matches(@"ASPNETCORE_HTTP_PORTS=8080\b", RuntimeStage);
        Assert.DoesNotMatch(@"(?m)^HEALTHCHECK", Dockerfile);
    }

    [Fact]
    public void DockerIgnore_KeepsBuildOutputAndSecretsOutOfTheContext()
    {
        var ignored = Repository.Read(".dockerignore").Split('\n').Select(l => l.Trim()).ToHashSet();

        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
        Assert.Contains(".env", ignored);
        Assert.Contains("gateway-config/", ignored);
    }

    /// <summary>The app's native libraries for Linux: (path in the build output, runtime identifier).</summary>
    private static List<(string Path, string Rid)> LinuxNativeLibraries()
    {
        var depsFile = Path.Combine(AppContext.BaseDirectory, typeof(Program).Assembly.GetName().Name + ".deps.json");
        using var deps = JsonDocument.Parse(File.ReadAllText(depsFile));
        return deps.RootElement.GetProperty("targets").EnumerateObject().First().Value.EnumerateObject()
            .Where(l => l.Value.TryGetProperty("runtimeTargets", out _))
            .SelectMany(l => l.Value.GetProperty("runtimeTargets").EnumerateObject()
                .Where(t => t.Value.GetProperty("assetType").GetString() == "native" && t.Value.GetProperty("rid").GetString()!.StartsWith("linux-", StringComparison.Ordinal))
                .Select(t => (t.Name, t.Value.GetProperty("rid").GetString()!)))
            .ToList();
    }

    /// <summary>A package with natives for x64 only (NetVips.Native.linux-x64) makes the image amd64-only.</summary>
    [Fact]
    public void RuntimePlatform_MatchesTheNativeLibrariesShipped()
    {
        var rids = LinuxNativeLibraries().Select(l => l.Rid).ToHashSet();

        if (rids.Contains("linux-x64") && !rids.Contains("linux-arm64"))
        {
            Assert.Matches(@"^FROM --platform=linux/amd64 ", RuntimeStage.TrimStart());
        }
    }

    /// <summary>The image library's native code must load on the chiseled image: it has no package manager to add to.</summary>
    [Fact]
    public void NativeLibraries_OfThePublishedApp_NeedOnlyWhatTheChiseledImageCarries()
    {
        var libraries = LinuxNativeLibraries().Where(l => l.Rid is "linux-x64" or "linux-arm64").Select(l => l.Path).ToList();
        var bundled = libraries.Select(Path.GetFileName).ToHashSet();

        foreach (var library in libraries)
        {
            var path = Path.Combine(AppContext.BaseDirectory, library);
            Assert.True(File.Exists(path), $"{library} is not in the build output");
            var missing = ElfFile.Needed(path).Where(n => !ChiseledLibraries.Contains(n) && !bundled.Contains(n)).ToList();
            Assert.True(missing.Count == 0, $"{library} needs {string.Join(", ", missing)}, which the chiseled runtime image lacks: use an image that has it");
        }
    }

    [GeneratedRegex(@"(?m)^FROM\s+(?:--platform=\S+\s+)?(\S+)")]
    private static partial Regex FromLine();

    [GeneratedRegex(@"(?m)^ENTRYPOINT\s+(\[.*\])\s*$")]
    private static partial Regex EntrypointLine();
}
