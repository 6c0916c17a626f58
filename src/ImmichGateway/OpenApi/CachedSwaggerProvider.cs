using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.Swagger;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ImmichGateway.OpenApi;

/// <summary>
/// Swashbuckle builds a document anew for every request — every endpoint, schema and filter, a third of a second of
/// CPU here — and the document is anonymous, so one client could keep the gateway's cores busy. The gateway's endpoints
/// are fixed once it has started: each document is built once, on first request, and served from memory after. Only
/// the documents the gateway declares are kept (the name comes from the URL), and a build that fails is not.
/// </summary>
internal sealed class CachedSwaggerProvider(SwaggerGenerator generator, IOptions<SwaggerGeneratorOptions> options)
    : ISwaggerProvider, IAsyncSwaggerProvider
{
    private const int MaxDocuments = 8; // names × path bases; both come from the gateway's own configuration

    private readonly ConcurrentDictionary<(string Name, string? Host, string? BasePath), Lazy<Task<OpenApiDocument>>> _documents = new();

    public OpenApiDocument GetSwagger(string documentName, string? host = null, string? basePath = null) =>
        GetSwaggerAsync(documentName, host, basePath).GetAwaiter().GetResult();

    public Task<OpenApiDocument> GetSwaggerAsync(string documentName, string? host = null, string? basePath = null)
    {
        var key = (documentName, host, basePath);
        if (_documents.TryGetValue(key, out var cached))
        {
            return cached.Value;
        }
        if (!options.Value.SwaggerDocs.ContainsKey(documentName) || _documents.Count >= MaxDocuments)
        {
            return generator.GetSwaggerAsync(documentName, host, basePath); // unknown: Swashbuckle's own refusal
        }
        var built = _documents.GetOrAdd(key, _ => new Lazy<Task<OpenApiDocument>>(() => generator.GetSwaggerAsync(documentName, host, basePath)));
        built.Value.ContinueWith(_ => _documents.TryRemove(KeyValuePair.Create(key, built)), CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return built.Value;
    }
}
