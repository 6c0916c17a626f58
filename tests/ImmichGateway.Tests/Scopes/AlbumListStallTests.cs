using System.Net;
using ImmichGateway.Tests.Fixtures;
using Microsoft.AspNetCore.Http;

namespace ImmichGateway.Tests.Scopes;

/// <summary>
/// An album-scoped client's album list is read whole from Immich and filtered before it is answered. Immich sending
/// that list's headers and then going silent must end in a 504 problem within <c>Immich:RequestTimeout</c>, as on the
/// plain proxy path, not hold the client until it gives up.
/// </summary>
public sealed class AlbumListStallTests : IAsyncLifetime
{
    private static readonly TestClient Frame = new(TestUsers.Alice, "stallframe", "igw_alice_stallframe_St4llSt4llSt4llSt4llSt4llSt");
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private readonly KestrelGatewayFactory _gateway = new();

    public async ValueTask InitializeAsync()
    {
        _gateway.Settings["Immich:RequestTimeout"] = "00:00:01";
        _gateway.Settings[$"Gateway:Users:alice:Clients:{Frame.Name}:KeySha256"] = Frame.KeySha256;
        _gateway.Settings[$"Gateway:Users:alice:Clients:{Frame.Name}:Albums:0"] = FakeImmich.AlbumOne.ToString();
        await _gateway.InitializeAsync();
    }

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task ImmichSilentInsideTheAlbumList_IsA504Problem()
    {
        _gateway.Immich.Intercepts["getAllAlbums"] = (context, _) => ImmichMidAnswer.StallAsync(context, "[{\"id\":");
        using var client = _gateway.CreateClient(Frame);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(20)); // only a hang takes this long

        var response = await client.GetAsync("/api/albums", deadline.Token);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.GatewayTimeout);
    }

    [Fact]
    public async Task AnAlbumListThatIsNotJson_IsA502Problem()
    {
        _gateway.Immich.Intercepts["getAllAlbums"] = async (context, _) =>
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync("<html>sign in</html>", context.RequestAborted);
            return true;
        };
        using var client = _gateway.CreateClient(Frame);

        var response = await client.GetAsync("/api/albums", Cancel);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadGateway);
    }
}
