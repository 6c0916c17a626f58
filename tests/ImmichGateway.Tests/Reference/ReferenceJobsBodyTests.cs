using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ImmichGateway.Proxy;
using ImmichGateway.Reference;
using ImmichGateway.Tests.Fixtures;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ImmichGateway.Tests.Reference;

/// <summary>
/// POST /api/jobs reads its small JSON command into memory, up to the JSON routes' cap, and forwards those bytes: it
/// never buffers to a temp file (the pod's /tmp is a 64Mi emptyDir on a read-only root).
/// </summary>
public sealed class ReferenceJobsBodyTests(ReferenceGateway gateway) : IClassFixture<ReferenceGateway>
{
    /// <summary>Past 30 KB, where request buffering would have spilled to /tmp.</summary>
    private static readonly string LargeManualJob = "{\"name\":\"person-cleanup\",\"note\":\"" + new string('a', 40 * 1024) + "\"}";

    [Fact]
    public async Task StartJob_ManualJobOver30KbWithinTheCap_IsForwardedByteForByte()
    {
        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, "POST", "/api/jobs?x=1", LargeManualJob);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var request = seen.Only("POST", "/api/jobs");
        Assert.Equal(LargeManualJob, request.BodyText);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StartJob_BodyOverTheCap_Is413ProblemAndImmichIsNotCalled(bool declaresLength)
    {
        const long tooLarge = ReferenceForwarding.MaxJsonBodyBytes + 1;
        var content = new StreamContent(new GeneratedStream(tooLarge, seed: 11));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (declaresLength)
        {
            content.Headers.ContentLength = tooLarge;
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = content };

        var (response, seen) = await gateway.SendAsync(TestUsers.AdaCli, request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty(seen);
    }

    /// <summary>EnableBuffering swaps the body for a stream that spills past 30 KB to a temp file; the handler must not.</summary>
    [Fact]
    public async Task StartAsync_ReadsTheBodyWithoutSwappingItForAFileBufferedStream()
    {
        var services = new ServiceCollection().AddOptions<ProxyOptions>().Services.BuildServiceProvider();
        var bytes = Encoding.UTF8.GetBytes(LargeManualJob.Replace("person-cleanup", "not-a-job"));
        var body = new NonSeekableStream(bytes); // as Kestrel's: buffering would wrap it
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = bytes.Length;
        context.Request.Body = body;

        var result = await ReferenceJobs.StartAsync(context.Request, immich: null!); // an unknown job: Immich is not called

        Assert.Same(body, context.Request.Body);
        Assert.Equal(StatusCodes.Status400BadRequest, Assert.IsAssignableFrom<IStatusCodeHttpResult>(result).StatusCode);
    }
}
