// A fake Immich for load tests: three fixed endpoints, an API-key check, nothing else.
//   GET  /api/albums/{id}            ~1 KB of fixed JSON
//   GET  /api/assets/{id}/thumbnail  25 KB of fixed bytes, image/webp, ETag + Cache-Control
//   POST /api/assets                 reads and discards the body (streaming), answers 201 with the byte count
// Every request needs x-api-key equal to Upstream:ApiKey (401 JSON otherwise).
// Run: dotnet Bench.Upstream.dll --urls http://127.0.0.1:5301 --Upstream:ApiKey=secret
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);

var apiKey = builder.Configuration["Upstream:ApiKey"];
if (string.IsNullOrEmpty(apiKey))
{
    Console.Error.WriteLine("Upstream:ApiKey is required (e.g. --Upstream:ApiKey=secret).");
    return 2;
}
var apiKeyBytes = Encoding.UTF8.GetBytes(apiKey);

var albumJson = BuildAlbumJson();
var thumbnail = new byte[25 * 1024];
new Random(42).NextBytes(thumbnail);
"RIFF"u8.CopyTo(thumbnail);
"WEBPVP8 "u8.CopyTo(thumbnail.AsSpan(8));
var thumbnailETag = "\"" + Convert.ToHexStringLower(SHA256.HashData(thumbnail), 0, 8) + "\"";
var unauthorized = """{"message":"Invalid API key","error":"Unauthorized","statusCode":401}"""u8.ToArray();

var app = builder.Build();

app.Use(async (context, next) =>
{
    var presented = context.Request.Headers["x-api-key"];
    if (presented.Count != 1 ||
        !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented[0] ?? ""), apiKeyBytes))
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = unauthorized.Length;
        await context.Response.Body.WriteAsync(unauthorized);
        return;
    }
    await next(context);
});

app.MapGet("/api/albums/{id}", async (HttpContext context) =>
{
    context.Response.ContentType = "application/json; charset=utf-8";
    context.Response.ContentLength = albumJson.Length;
    await context.Response.Body.WriteAsync(albumJson);
});

app.MapGet("/api/assets/{id}/thumbnail", async (HttpContext context) =>
{
    var headers = context.Response.Headers;
    headers.ContentType = "image/webp";
    headers.ETag = thumbnailETag;
    headers.CacheControl = "private, max-age=86400, no-transform";
    context.Response.ContentLength = thumbnail.Length;
    await context.Response.Body.WriteAsync(thumbnail);
});

app.MapPost("/api/assets", async (HttpContext context) =>
{
    var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
    if (sizeFeature is { IsReadOnly: false })
    {
        sizeFeature.MaxRequestBodySize = null;
    }

    long total = 0;
    var buffer = new byte[64 * 1024];
    int read;
    while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
    {
        total += read;
    }

    Console.WriteLine($"upload received {total} bytes (Transfer-Encoding: {context.Request.Headers.TransferEncoding}, Content-Length: {context.Request.ContentLength?.ToString() ?? "-"})");
    var body = Encoding.UTF8.GetBytes(
        $$"""{"id":"{{Guid.NewGuid()}}","status":"created","bytes":{{total}}}""");
    context.Response.StatusCode = StatusCodes.Status201Created;
    context.Response.ContentType = "application/json; charset=utf-8";
    context.Response.ContentLength = body.Length;
    await context.Response.Body.WriteAsync(body);
});

app.Run();
return 0;

static byte[] BuildAlbumJson()
{
    var assets = string.Join(",", Enumerable.Range(0, 6).Select(i =>
        $$"""{"id":"0b9f7c2e-4d1a-4f6b-9a3c-00000000000{{i}}","type":"IMAGE","originalFileName":"IMG_{{1000 + i}}.jpg","fileCreatedAt":"2024-06-0{{i + 1}}T10:00:00.000Z","isFavorite":false}"""));
    var json = $$"""{"id":"5a1c6e0e-2f3b-4c55-8e7a-1b2c3d4e5f60","albumName":"Bench album","description":"A fixed album used by the gateway benchmark.","ownerId":"7d3b1f42-9a0e-4c1d-b2f3-0a1b2c3d4e5f","createdAt":"2024-06-01T10:00:00.000Z","updatedAt":"2024-06-07T10:00:00.000Z","assetCount":6,"shared":false,"hasSharedLink":false,"isActivityEnabled":true,"order":"desc","assets":[{{assets}}]}""";
    return Encoding.UTF8.GetBytes(json);
}
