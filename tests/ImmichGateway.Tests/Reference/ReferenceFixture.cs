using System.Text.Json.Nodes;
using ImmichGateway.Tests.Fixtures;

namespace ImmichGateway.Tests.Reference;

/// <summary>Reference-route tests own a gateway and a fake, so "what reached Immich" is exactly the test's requests.</summary>
public class ReferenceGateway : GatewayFactory
{
    /// <summary>Sends a request and returns the response with every request the fake received meanwhile.</summary>
    public async Task<(HttpResponseMessage Response, IReadOnlyList<SeenRequest> Seen)> SendAsync(TestClient client, HttpRequestMessage request)
    {
        using var http = CreateClient(client);
        var before = Immich.Requests.Count;
        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        await response.Content.LoadIntoBufferAsync(TestContext.Current.CancellationToken);
        return (response, Immich.RequestsSince(before));
    }

    public Task<(HttpResponseMessage Response, IReadOnlyList<SeenRequest> Seen)> SendAsync(TestClient client, string method, string url, string? json = null) =>
        SendAsync(client, new HttpRequestMessage(new HttpMethod(method), url)
        {
            Content = json is null ? null : new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        });
}

public static class SeenRequestAssertions
{
    /// <summary>The single request that reached Immich, with that method and path, and its JSON body.</summary>
    public static SeenRequest Only(this IReadOnlyList<SeenRequest> seen, string method, string path)
    {
        var request = Assert.Single(seen);
        Assert.Equal(method, request.Method);
        Assert.Equal(path, request.Path);
        return request;
    }

    public static JsonNode? Json(this SeenRequest request) => JsonNode.Parse(request.BodyText);

    public static void BodyIs(this SeenRequest request, string expectedJson) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expectedJson), request.Json()), $"Immich received {request.BodyText}, expected {expectedJson}");
}
