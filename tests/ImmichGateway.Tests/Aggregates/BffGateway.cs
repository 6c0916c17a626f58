using ImmichGateway.Tests.Fixtures;
using ImmichGateway.Tests.Reference;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace ImmichGateway.Tests.Aggregates;

/// <summary>
/// A gateway whose fake holds a realistic library: Ada's "Family 2024" shared with Alice (editor) and Bob (viewer),
/// 2,500 assets (every tenth a video), two comments and a like; Ada's private album; an album of Alice's own.
/// </summary>
public class BffGateway : ReferenceGateway
{
    public FakeAlbum Family { get; private set; } = null!;
    public FakeAlbum AdaPrivate { get; private set; } = null!;
    public FakeAlbum AliceOwn { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Immich.ServeFromState = true;
        Family = Immich.AddAlbum(2500, TestUsers.Ada, members: [(TestUsers.Alice, "editor"), (TestUsers.Bob, "viewer")]);
        var commented = Guid.Parse(Family.Assets[^1]["id"]!.GetValue<string>());
        Immich.AddActivity(Family, TestUsers.Alice, commented, "Lovely");
        Immich.AddActivity(Family, TestUsers.Bob, commented, "Agreed");
        Immich.AddActivity(Family, TestUsers.Bob, null, null);
        AdaPrivate = Immich.AddAlbum(3, TestUsers.Ada);
        AliceOwn = Immich.AddAlbum(4, TestUsers.Alice);
    }

    /// <summary>Adjusts the resilience of the gateway's Immich client (its circuit breaker, for tests of failures).</summary>
    protected virtual void ConfigureImmichResilience(HttpStandardResilienceOptions options)
    {
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.PostConfigureAll<HttpStandardResilienceOptions>(ConfigureImmichResilience));
    }
}

/// <summary>
/// A <see cref="BffGateway"/> for tests that make Immich fail on purpose: its circuit breaker never opens, so each
/// test sees the failure it arranged, whatever the tests before it did.
/// </summary>
public sealed class FailingBffGateway : BffGateway
{
    protected override void ConfigureImmichResilience(HttpStandardResilienceOptions options) =>
        options.CircuitBreaker.MinimumThroughput = int.MaxValue;
}
