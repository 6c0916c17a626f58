using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ImmichGateway.Caching;
using ImmichGateway.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace ImmichGateway.Tests.Caching;

/// <summary>
/// An eviction reaches what was on its way when it happened: an access record read from Redis during it, and the
/// album memberships client scopes remember. Both were found by review and failed before their fixes.
/// </summary>
public sealed class EvictionReachTests
{
    private static readonly CancellationToken Cancel = TestContext.Current.CancellationToken;

    /// <summary>
    /// A user's access record read from Redis (written by another replica) while this replica evicts the asset: the
    /// HGET was sent before the eviction's DEL, its answer arrives after the eviction dropped the memory tier, and
    /// <c>AccessRecords.HasAsync</c> copied it into memory without looking at the asset's revocation stamp (only at the
    /// epoch). The record outlives the eviction for the rest of its lifetime, so once anyone re-caches the image the
    /// user is served it from memory although Immich no longer lets them see the asset. (Her in-flight request shares
    /// another authorized user's fetch, as the cache intends, so it never asks Immich and never drops the record.)
    /// <c>AccessRecords.HasAsync</c> now takes the asset's revocation stamp before the read and records nothing if it moved.
    /// </summary>
    [Fact]
    public async Task AccessRecordReadFromRedisDuringAnEviction_IsNotResurrected_SoTheUserIsNotServedAfterLosingAccess()
    {
        await using var one = new CacheGateway();
        await one.InitializeAsync();
        await using var two = CacheGateway.ReplicaOf(one);
        await two.InitializeAsync();

        // On replica one, Alice may see the asset (an album of Ada's shared with her): her record goes to Redis.
        var album = one.Immich.AddAlbum(1, TestUsers.Ada, true, (TestUsers.Alice, "viewer"));
        var asset = album.Assets[0]["id"]!.GetValue<string>();
        var (aliceOnOne, _) = await one.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail");
        Assert.Equal(HttpStatusCode.OK, aliceOnOne.StatusCode);
        await CacheGateway.WaitUntilAsync(async () => await one.Redis.CountKeysAsync($"{one.Prefix}access:*:{Guid.Parse(asset):N}") == 1,
            "Alice's record never reached Redis");
        await one.RedisAnsweredAsync();

        // Replica two's Immich (the same Immich, as far as the removal below is concerned) lets only Ada see it.
        // Ada holds a record on two (her thumbnail) and starts a preview fetch Immich is slow to answer.
        await two.GetAsync(TestUsers.AdaCli, $"/api/assets/{asset}/thumbnail");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        two.Immich.ThumbnailGates[asset] = gate;
        using var adaHttp = two.CreateClient(TestUsers.AdaCli);
        using var aliceHttp = two.CreateClient(TestUsers.AliceKiosk);
        var before = two.Immich.Requests.Count;
        var adaPreview = adaHttp.GetAsync($"/api/assets/{asset}/thumbnail?size=preview", Cancel);
        await CacheGateway.WaitUntilAsync(() => two.Immich.RequestsSince(before).Thumbnails().Count == 1, "Ada's fetch never reached Immich");

        // Redis stalls for a moment: Alice's request on two reads her record from Redis (HGET sent, answer pending)...
        var access = two.Services.GetRequiredService<AccessRecords>();
        var stamp = access.RevocationStamp(Guid.Parse(asset));
        await one.Redis.PauseAsync();
        Task<HttpResponseMessage> alicePreview;
        Task<(HttpResponseMessage, IReadOnlyList<SeenRequest>)> removal;
        try
        {
            alicePreview = aliceHttp.GetAsync($"/api/assets/{asset}/thumbnail?size=preview", Cancel);
            await Task.Delay(400, Cancel);
            // ...while the asset leaves the album through replica two: Immich answers, two evicts the asset.
            album.Assets.Clear();
            removal = two.SendAsync(TestUsers.AdaCli, new HttpRequestMessage(HttpMethod.Delete, $"/api/albums/{album.Id}/assets")
            {
                Content = new StringContent($$"""{"ids":["{{asset}}"]}""", Encoding.UTF8, "application/json"),
            });
            await CacheGateway.WaitUntilAsync(() => access.RevocationStamp(Guid.Parse(asset)) != stamp, "the removal never evicted");
        }
        finally
        {
            await one.Redis.ResumeAsync();
        }
        var (removed, _) = await removal;
        Assert.True(removed.IsSuccessStatusCode);
        await two.RedisAnsweredAsync();
        Assert.Equal(0, await one.Redis.CountKeysAsync($"{one.Prefix}access:*:{Guid.Parse(asset):N}")); // the DEL did happen in Redis
        await Task.Delay(300, Cancel); // Alice's request joins Ada's fetch
        gate.SetResult();
        two.Immich.ThumbnailGates.TryRemove(asset, out _);
        (await adaPreview).Dispose();
        (await alicePreview).Dispose(); // asked before the removal: whatever it got is not the point

        // After the eviction Ada fetches the preview again (it is stored), then Alice asks.
        var (adaAgain, _) = await two.GetAsync(TestUsers.AdaCli, $"/api/assets/{asset}/thumbnail?size=preview");
        Assert.Equal(HttpStatusCode.OK, adaAgain.StatusCode);
        var (alice, seen) = await two.GetAsync(TestUsers.AliceKiosk, $"/api/assets/{asset}/thumbnail?size=preview");

        Assert.NotEqual("hit", alice.XCache());
        Assert.Equal(HttpStatusCode.BadRequest, alice.StatusCode); // Immich's refusal
        Assert.Single(seen.Thumbnails());
    }

    private static readonly TestClient AlbumFrame = new(TestUsers.Alice, "reviewframe", "igw_alice_reviewframe_Rv1ewRv1ewRv1ewRv1ewRv1ewR");

    /// <summary>
    /// An album-scoped client (a photo frame showing album one) keeps getting an asset's thumbnail after the user
    /// removed that asset from the album through the gateway: the eviction table drops the asset's images and access
    /// records, but not the scope's remembered "this asset is in one of the client's albums"
    /// (<c>AlbumMembershipCache</c>, 30 s), and Immich, asked with Alice's own key, still serves her own photo.
    /// Every eviction now makes <c>AlbumMembershipCache</c> forget what it remembered.
    /// </summary>
    [Fact]
    public async Task AlbumScopedClient_AfterTheAssetLeavesItsAlbumThroughTheGateway_IsRefused()
    {
        await using var gateway = new CacheGateway();
        gateway.Settings[$"Gateway:Users:alice:Clients:{AlbumFrame.Name}:KeySha256"] = AlbumFrame.KeySha256;
        gateway.Settings[$"Gateway:Users:alice:Clients:{AlbumFrame.Name}:ReadOnly"] = "true";
        gateway.Settings[$"Gateway:Users:alice:Clients:{AlbumFrame.Name}:Albums:0"] = FakeImmich.AlbumOne.ToString();
        await gateway.InitializeAsync();
        gateway.Immich.ServeFromState = true;
        // Alice's own photo (her own album), also put into album one, which the frame shows.
        var own = gateway.Immich.AddAlbum(1, TestUsers.Alice);
        var photo = own.Assets[0];
        var asset = photo["id"]!.GetValue<string>();
        var albumOne = gateway.Immich.Album(FakeImmich.AlbumOne);
        albumOne.Assets.Add((JsonObject)photo.DeepClone());

        var (shown, _) = await gateway.GetAsync(AlbumFrame, $"/api/assets/{asset}/thumbnail");
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);

        // Alice takes it out of album one with her phone, through the gateway.
        albumOne.Assets.RemoveAll(a => a["id"]!.GetValue<string>() == asset);
        var (removal, _) = await gateway.SendAsync(TestUsers.AlicePhone, new HttpRequestMessage(HttpMethod.Delete, $"/api/albums/{FakeImmich.AlbumOne}/assets")
        {
            Content = new StringContent($$"""{"ids":["{{asset}}"]}""", Encoding.UTF8, "application/json"),
        });
        Assert.True(removal.IsSuccessStatusCode);

        var (after, _) = await gateway.GetAsync(AlbumFrame, $"/api/assets/{asset}/thumbnail");

        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
    }
}
