using System.Net;
using System.Text.Json.Nodes;
using ImmichGateway.Tests.Fixtures;
using ImmichGateway.Tests.Reference;
using Microsoft.AspNetCore.Http;
using static ImmichGateway.Tests.Aggregates.AlbumScreenTests;

namespace ImmichGateway.Tests.Aggregates;

/// <summary>
/// Immich's address answering what no Immich sends (a login portal's HTML page, an empty 204, a required field null,
/// an error page of a megabyte): on the routes the gateway answers itself, a required call gets a 502 problem naming
/// the cause, an optional part degrades, and the warning names the call. Never a 500.
/// </summary>
public sealed class UnreadableAnswerTests(FailingBffGateway gateway) : IClassFixture<FailingBffGateway>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string> RequiredCalls => new()
    {
        { "/bff/albums", "getAllAlbums", "html" },
        { "/bff/albums/{album}", "getAlbumInfo", "html" },
        { "/bff/albums/{album}", "getAlbumInfo", "member-without-user" },
        { "/bff/albums/{album}", "searchAssets", "empty-204" },
        { "/bff/albums/{album}", "searchAssets", "items-null" },
        { "/bff/albums/{album}", "searchAssets", "item-null" },
        { "/bff/assets/{asset}", "getAssetInfo", "html" },
        { "/bff/overview", "getMyUser", "empty-204" },
        { "/bff/overview", "getMyUser", "huge-error" },
        { "/api/albums/{album}", "getAlbumInfo", "html" }, // the reference album, before its first byte
        { "/api/albums/{album}", "searchAssets", "items-null" },
        { "/api/assets?albumId={album}", "searchAssets", "empty-204" }, // the reference asset list
        { "/api/users/{alice}/profile-image", "getMyUser", "html" },
    };

    [Theory]
    [MemberData(nameof(RequiredCalls))]
    public async Task ARequiredCall_AnsweredOffSpec_Is502Problem_NamingTheCause(string route, string operation, string answer)
    {
        gateway.Immich.Intercepts[operation] = Answer(answer);
        try
        {
            var request = new HttpRequestMessage(route.EndsWith("profile-image") ? HttpMethod.Put : HttpMethod.Get, Fill(route));
            if (route.EndsWith("profile-image"))
            {
                request.Content = new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "file", "me.jpg" } };
            }

            var (response, _) = await gateway.SendAsync(TestUsers.AliceKiosk, request);

            var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadGateway);
            Assert.Contains("not a login page or another server", detail);
            Assert.Contains(gateway.Logs.Events, e => e.EventId.Id == 1005 && e.Level == Microsoft.Extensions.Logging.LogLevel.Warning &&
                e.Message.Contains("could not be read"));
        }
        finally
        {
            gateway.Immich.Intercepts.TryRemove(operation, out _);
        }
    }

    [Theory]
    [InlineData("getServerStatistics", "usage-by-user-null", "server")]
    [InlineData("getAssetStatistics", "html", "assets")]
    [InlineData("getAllAlbums", "empty-204", "recentAlbums")]
    public async Task AnOptionalPart_AnsweredOffSpec_Degrades(string operation, string answer, string part)
    {
        gateway.Immich.Intercepts[operation] = Answer(answer);
        try
        {
            var (response, _) = await gateway.SendAsync(TestUsers.AdaCli, "GET", "/bff/overview");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var overview = await JsonAsync(response);
            Assert.Null(overview[part]);
            Assert.Equal([part], overview["degraded"]!.AsArray().Select(d => d!.GetValue<string>()));
        }
        finally
        {
            gateway.Immich.Intercepts.TryRemove(operation, out _);
        }
    }

    [Fact]
    public async Task ImmichsTooManyRequests_IsNotRetried_AndKeepsItsRetryAfter()
    {
        gateway.Immich.Intercepts["getAllAlbums"] = async (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "7";
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync("{\"message\":\"Too many requests\"}");
            return true;
        };
        try
        {
            var (response, seen) = await gateway.SendAsync(TestUsers.AliceKiosk, "GET", "/bff/albums");

            Assert.Equal("Too many requests", await ProblemAssert.IsProblemAsync(response, HttpStatusCode.TooManyRequests));
            Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
            Assert.Single(seen, s => s.Path == "/api/albums"); // not retried: a 429 asks for less traffic
        }
        finally
        {
            gateway.Immich.Intercepts.TryRemove("getAllAlbums", out _);
        }
    }

    [Fact]
    public async Task ImmichsOwnErrors_StillPassAsImmichSentThem()
    {
        var (response, _) = await gateway.SendAsync(TestUsers.BobFrame, "GET", $"/api/albums/{gateway.AliceOwn.Id}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Not found or no album.read access", (await JsonAsync(response))["message"]!.GetValue<string>());
    }

    private string Fill(string route) => route
        .Replace("{album}", gateway.Family.Id.ToString())
        .Replace("{asset}", gateway.Family.Assets[0]["id"]!.GetValue<string>())
        .Replace("{alice}", TestUsers.Alice.Id);

    /// <summary>What something other than Immich (or a broken Immich) might answer.</summary>
    private static Func<HttpContext, byte[], Task<bool>> Answer(string kind) => async (context, _) =>
    {
        var response = context.Response;
        switch (kind)
        {
            case "html":
                response.ContentType = "text/html; charset=utf-8";
                await response.WriteAsync("<!doctype html><title>Sign in</title><form action=/login></form>");
                break;
            case "empty-204":
                response.StatusCode = StatusCodes.Status204NoContent;
                break;
            case "huge-error":
                response.StatusCode = StatusCodes.Status500InternalServerError;
                response.ContentType = "text/plain";
                await response.WriteAsync(new string('x', 1 << 20)); // chunked: no Content-Length tells the size up front
                break;
            case "member-without-user":
                var album = Recordings.Get("GET_api_albums_{id}.admin.json").Body!.DeepClone().AsObject();
                album["albumUsers"]![0]!["user"] = null;
                await Json(album);
                break;
            case "items-null" or "item-null":
                var search = Recordings.Get("POST_api_search_metadata.albumIds-page1.admin.json").Body!.DeepClone().AsObject();
                search["assets"]!["items"] = kind == "items-null" ? null : new JsonArray((JsonNode?)null);
                search["assets"]!["nextPage"] = null;
                await Json(search);
                break;
            case "usage-by-user-null":
                var statistics = Recordings.Get("GET_api_server_statistics.admin.json").Body!.DeepClone().AsObject();
                statistics["usageByUser"] = null;
                await Json(statistics);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
        return true;

        Task Json(JsonNode body)
        {
            response.ContentType = "application/json; charset=utf-8";
            return response.WriteAsync(body.ToJsonString());
        }
    };
}
