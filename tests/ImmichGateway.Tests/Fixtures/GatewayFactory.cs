using System.Net.Http.Headers;
using ImmichGateway.Audit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImmichGateway.Tests.Fixtures;

/// <summary>
/// The real gateway, in-process, in front of a <see cref="FakeImmich"/> on a loopback socket. Users come from a JSON
/// file the gateway watches, so tests can edit it as an operator would. Logs are captured at Debug.
/// </summary>
public class GatewayFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    // In a directory of its own: the JSON file's provider watches the file's whole directory tree, and watching /tmp
    // (thousands of directories on a busy machine, each an inotify watch, for every gateway alive) can exhaust the
    // watch limit; a reload then goes unnoticed (a CI run's removed key was still accepted a minute later).
    private readonly DirectoryInfo _usersDirectory = Directory.CreateTempSubdirectory("gateway-users-");

    public FakeImmich Immich { get; private set; } = null!;

    public LogSink Logs { get; } = new();

    /// <summary>
    /// Settings layered over appsettings.json for this factory (override in a subclass or set before first use).
    /// The default rate limits are lifted: a shared gateway serves many tests, and its anonymous bucket (60) ran dry
    /// in a run that happened to put the refusal tests first. Tests of the limits set their own.
    /// </summary>
    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["Gateway:RateLimit:PermitLimit"] = "1000000",
        ["Gateway:RateLimit:TokensPerSecond"] = "1000000",
        ["Gateway:RateLimit:AnonymousPermitLimit"] = "1000000",
        ["Gateway:RateLimit:AnonymousTokensPerSecond"] = "1000000",
    };

    public string UsersFile => Path.Combine(_usersDirectory.FullName, "users.json");

    public virtual async ValueTask InitializeAsync()
    {
        Immich = await FakeImmich.StartAsync();
        WriteUsers(TestUsers.Configuration());
    }

    /// <summary>A started gateway (and fake Immich) with these settings layered over the defaults; the caller disposes it.</summary>
    public static async Task<GatewayFactory> StartAsync(params (string Key, string? Value)[] settings)
    {
        var gateway = new GatewayFactory();
        foreach (var (key, value) in settings)
        {
            gateway.Settings[key] = value;
        }
        await gateway.InitializeAsync();
        return gateway;
    }

    /// <summary>Replaces the watched users file (as an operator editing a mounted file would).</summary>
    public void WriteUsers(IDictionary<string, string?> flatSettings) =>
        File.WriteAllText(UsersFile, ConfigurationJson.FromFlat(flatSettings));

    public void WriteUsersRaw(string content) => File.WriteAllText(UsersFile, content);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Immich:BaseUrl", Immich.BaseUrl.ToString());
        builder.UseSetting("Logging:LogLevel:Default", "Debug");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Debug");
        builder.UseSetting("Logging:LogLevel:Yarp", "Debug");
        builder.UseSetting("Logging:LogLevel:System.Net.Http.HttpClient", "Debug");
        builder.UseSetting("Logging:LogLevel:Polly", "Debug");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureAppConfiguration(config => config
            .AddJsonFile(UsersFile, optional: false, reloadOnChange: true)
            .AddInMemoryCollection(Settings)); // test settings win over the users file
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        // The audit writer writes to stdout directly, past Console.Out. In the test process that stdout is shared with
        // the test runner's own traffic, and while it was written to, test results went missing (2 of 5 full runs).
        // The lines go nowhere here; the events still reach the test's log sink.
        builder.ConfigureServices(services => services.AddSingleton(new AuditOutput(Stream.Null, new object())));
    }

    /// <summary>How long a test waits for an edit of the users file to take effect.</summary>
    public static readonly TimeSpan ReloadDeadline = TimeSpan.FromSeconds(15);

    /// <summary>Whether <paramref name="condition"/> comes true within <see cref="ReloadDeadline"/> (polled).</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + ReloadDeadline;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }
            await Task.Delay(100, TestContext.Current.CancellationToken); // polling for the file watcher, not waiting for an expiry
        }
        return false;
    }

    /// <summary>A client that authenticates as <paramref name="client"/> (its key in x-api-key).</summary>
    public HttpClient CreateClient(TestClient client)
    {
        var http = CreateAnonymousClient();
        http.DefaultRequestHeaders.Add("x-api-key", client.Key);
        return http;
    }

    public HttpClient CreateAnonymousClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = ClientBaseAddress });

    /// <summary>Where clients send requests: TestServer's in-memory address, or Kestrel's real one.</summary>
    protected virtual Uri ClientBaseAddress => new("http://localhost");

    public HttpClient CreateBearerClient(string token)
    {
        var http = CreateAnonymousClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Immich is not null)
        {
            await Immich.DisposeAsync();
        }
        if (Directory.Exists(_usersDirectory.FullName))
        {
            _usersDirectory.Delete(recursive: true); // disposed twice by a test that also disposes it itself
        }
        GC.SuppressFinalize(this);
    }
}

/// <summary>The gateway tests that share one factory (and so one fake Immich) run in this collection.</summary>
[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFactory>
{
    public const string Name = "Gateway";
}
