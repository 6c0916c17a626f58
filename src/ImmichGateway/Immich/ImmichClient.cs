using System.Net.Http.Json;
using System.Text.Json;

namespace ImmichGateway.Immich;

/// <summary>
/// The gateway's own calls to Immich, made with the caller's Immich key (<see cref="ImmichApiKeyHandler"/>).
/// Errors from Immich surface as <see cref="ImmichException"/>; media is returned unread, for streaming.
/// </summary>
internal sealed class ImmichClient(HttpClient http)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Sends a request and returns as soon as the headers are in; the caller owns (and disposes) the response.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    /// <summary>GET a JSON resource into one of the models of <c>ImmichModels.cs</c>.</summary>
    public Task<T> GetAsync<T>(string pathAndQuery, CancellationToken cancellationToken) =>
        ReadModelAsync<T>(new HttpRequestMessage(HttpMethod.Get, pathAndQuery), cancellationToken);

    /// <summary>POST a JSON body and read the JSON answer into a model.</summary>
    public Task<T> PostAsync<T>(string path, object body, CancellationToken cancellationToken) =>
        ReadModelAsync<T>(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: Json) }, cancellationToken);

    /// <summary>Reads the answer straight from the response stream into a model (or a JsonDocument); errors throw.</summary>
    private async Task<T> ReadModelAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw await ImmichException.FromResponseAsync(response, cancellationToken);
            }
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonSerializer.DeserializeAsync<T>(stream, Json, cancellationToken)
                ?? throw new JsonException($"Immich answered null for {typeof(T).Name}.");
        }
    }

    public Task<JsonDocument> GetJsonAsync(string pathAndQuery, CancellationToken cancellationToken) =>
        GetAsync<JsonDocument>(pathAndQuery, cancellationToken);

    public Task<JsonDocument> SendJsonAsync(HttpMethod method, string path, object body, CancellationToken cancellationToken) =>
        ReadModelAsync<JsonDocument>(new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, options: Json) }, cancellationToken);
}
