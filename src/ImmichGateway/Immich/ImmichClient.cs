using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace ImmichGateway.Immich;

/// <summary>
/// The gateway's own calls to Immich, made with the caller's Immich key (<see cref="ImmichApiKeyHandler"/>).
/// Errors from Immich surface as <see cref="ImmichException"/>; media is returned unread, for streaming.
/// </summary>
internal sealed class ImmichClient(HttpClient http, IOptions<ImmichOptions> options)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// How Immich's answers are read into the models of <c>ImmichModels.cs</c>: strictly. A field the model requires
    /// must be present, only a nullable one may be null (in lists too), so an answer Immich would not send surfaces as
    /// <see cref="ImmichUnreadableAnswerException"/> (a 502 problem), never as a null reference in a view.
    /// </summary>
    public static readonly JsonSerializerOptions Answers = new(Json)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Converters = { new NoNullElementsConverter() },
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

    /// <summary>
    /// Reads the answer straight from the response stream into a model (or a JsonDocument); Immich's errors throw
    /// <see cref="ImmichException"/>, an answer that is not the JSON asked for <see cref="ImmichUnreadableAnswerException"/>.
    /// Immich going silent inside its answer for <c>Immich:RequestTimeout</c> throws <see cref="ImmichSilentException"/>
    /// (a 504), breaking off inside it an <see cref="HttpRequestException"/> (a 502), as failing before its headers does.
    /// </summary>
    private async Task<T> ReadModelAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            var what = $"{request.Method} /{request.RequestUri?.OriginalString.Split('?')[0]}"; // the path only: no query in a log
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var idle = options.Value.RequestTimeout;
            try
            {
                if (!response.IsSuccessStatusCode)
                {
                    throw await ImmichException.FromResponseAsync(response, idle, cancellationToken);
                }
                if (!string.Equals(response.Content.Headers.ContentType?.MediaType, "application/json", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ImmichUnreadableAnswerException(what, $"{(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType ?? "without a body type"}");
                }
                await using var stream = new ImmichAnswerStream(await response.Content.ReadAsStreamAsync(cancellationToken), idle, what, cancellationToken);
                return await JsonSerializer.DeserializeAsync<T>(stream, Answers, cancellationToken)
                    ?? throw new JsonException("null");
            }
            catch (JsonException error)
            {
                throw new ImmichUnreadableAnswerException(what, $"{(int)response.StatusCode} JSON not of the expected shape", error);
            }
        }
    }

    public Task<JsonDocument> GetJsonAsync(string pathAndQuery, CancellationToken cancellationToken) =>
        GetAsync<JsonDocument>(pathAndQuery, cancellationToken);

    public Task<JsonDocument> SendJsonAsync(HttpMethod method, string path, object body, CancellationToken cancellationToken) =>
        ReadModelAsync<JsonDocument>(new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, options: Json) }, cancellationToken);
}

/// <summary>
/// Lists of reference types (Immich's <c>items</c>, <c>albumUsers</c> …) without null elements, which
/// <see cref="JsonSerializerOptions.RespectNullableAnnotations"/> does not check.
/// </summary>
file sealed class NoNullElementsConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(List<>) &&
        typeToConvert.GetGenericArguments()[0] is { IsValueType: false } element && element != typeof(string);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(ListConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class ListConverter<T> : JsonConverter<List<T>> where T : class
    {
        public override List<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new JsonException($"Expected an array of {typeof(T).Name}.");
            }
            var list = new List<T>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                list.Add(JsonSerializer.Deserialize<T>(ref reader, options) ?? throw new JsonException($"A null {typeof(T).Name} in a list."));
            }
            return list;
        }

        public override void Write(Utf8JsonWriter writer, List<T> value, JsonSerializerOptions options)
        {
            writer.WriteStartArray();
            foreach (var item in value)
            {
                JsonSerializer.Serialize(writer, item, options);
            }
            writer.WriteEndArray();
        }
    }
}
