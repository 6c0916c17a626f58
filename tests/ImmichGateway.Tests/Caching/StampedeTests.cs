using System.Net;
using ImmichGateway.Tests.Fixtures;
using Microsoft.Extensions.Logging;

namespace ImmichGateway.Tests.Caching;

[Collection(CacheCollection.Name)]
public sealed class StampedeTests(CacheGateway gateway)
{
    [Theory]
    [InlineData("")]
    [InlineData("?size=preview&format=webp")]
    public async Task Thumbnail_HundredConcurrentRequestsOfOneUser_CauseOneUpstreamFetch(string query)
    {
        var asset = gateway.Immich.AddAlbum(1, TestUsers.Alice).Assets[0]["id"]!.GetValue<string>();
        using var alice = gateway.CreateClient(TestUsers.AliceKiosk);
        var before = gateway.Immich.Requests.Count;

        var responses = await Task.WhenAll(Enumerable.Range(0, 100)
            .Select(_ => alice.GetAsync($"/api/assets/{asset}/thumbnail{query}", TestContext.Current.CancellationToken)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var bodies = await Task.WhenAll(responses.Select(r => r.BytesAsync()));
        Assert.Single(bodies.Select(Convert.ToBase64String).Distinct());
        Assert.Single(gateway.Immich.RequestsSince(before).Thumbnails());
    }

    [Fact]
    public async Task Thumbnail_ConcurrentRequestsOfAuthorizedUsers_AreMergedIntoOneFetch()
    {
        var album = gateway.Immich.AddAlbum(1, TestUsers.Alice, true, (TestUsers.Bob, "viewer"));
        var other = album.Assets[0]["id"]!.GetValue<string>();
        await gateway.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{other}/thumbnail"); // Alice now holds a record for the asset
        using var alice = gateway.CreateClient(TestUsers.AliceKiosk);
        using var bob = gateway.CreateClient(TestUsers.BobFrame);
        var before = gateway.Immich.Requests.Count;
        // Immich holds its answers until both fetches have reached it: were Bob's stored first, Alice's later requests
        // would be hits and Immich would never see her (a clean-clone CI run had that order).
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway.Immich.ThumbnailGates[other] = gate;

        var pending = Task.WhenAll(Enumerable.Range(0, 50)
            .Select(i => (i % 2 == 0 ? alice : bob).GetAsync($"/api/assets/{other}/thumbnail?size=preview", TestContext.Current.CancellationToken)));
        await CacheGateway.WaitUntilAsync(() => gateway.Immich.RequestsSince(before).Thumbnails().Count == 2, "the two fetches never reached Immich");
        gate.SetResult();
        var responses = await pending;

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var seen = gateway.Immich.RequestsSince(before).Thumbnails();
        Assert.Single(seen, s => s.Header("x-api-key") == TestUsers.Alice.ImmichKey); // Alice holds a record: one shared fetch
        Assert.Single(seen, s => s.Header("x-api-key") == TestUsers.Bob.ImmichKey);   // Bob had none: his own, once
    }

    [Fact]
    public async Task Thumbnail_FirstRequesterGivesUpWhileImmichIsSlow_OthersStillGetTheImageAndNothingIsLoggedAsAnError()
    {
        var asset = gateway.Immich.AddAlbum(1, TestUsers.Alice).Assets[0]["id"]!.GetValue<string>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway.Immich.ThumbnailGates[asset] = gate;
        using var kiosk = gateway.CreateClient(TestUsers.AliceKiosk);
        using var phone = gateway.CreateClient(TestUsers.AlicePhone);
        var before = gateway.Immich.Requests.Count;
        var errorsBefore = gateway.Logs.Events.Count(e => e.Level >= LogLevel.Error);
        var url = $"/api/assets/{asset}/thumbnail";

        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var first = kiosk.GetAsync(url, giveUp.Token);                     // a scrolling grid: asks, then gives up
        await CacheGateway.WaitUntilAsync(() => gateway.Immich.RequestsSince(before).Thumbnails().Count == 1, "the fetch never reached Immich");
        var second = phone.GetAsync(url, TestContext.Current.CancellationToken); // the same user, while Immich is still busy
        await giveUp.CancelAsync();
        gate.SetResult();                                                   // Immich answers after the first client left

        using var answer = await second;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.Equal((HttpStatusCode.OK, "image/webp"), (answer.StatusCode, answer.Content.Headers.ContentType?.MediaType));
        Assert.Equal(Recordings.Get("GET_api_assets_{id}_thumbnail.admin.json").BodyBytes, await answer.BytesAsync());
        Assert.Single(gateway.Immich.RequestsSince(before).Thumbnails());   // the fetch went on for the one who waited

        var (hit, _) = await gateway.GetAsync(TestUsers.AliceKiosk, url);
        Assert.Equal("hit", hit.XCache());                                  // and it was stored
        Assert.Equal(errorsBefore, gateway.Logs.Events.Count(e => e.Level >= LogLevel.Error));
    }
}
