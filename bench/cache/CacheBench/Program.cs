// Two roles for bench/cache/run.sh, one process each:
//   upstream  GET /api/assets/{id}/thumbnail: a fixed 16 KB WebP-looking body with Immich's headers, after
//             Bench:DelayMs (a realistic Immich answering from disk), only with x-api-key = Bench:ApiKey.
//   ceiling   GET /thumb: the same bytes and headers straight from a byte array, no auth: the most any endpoint can do.
// Run: dotnet Bench.Cache.dll upstream|ceiling --urls http://127.0.0.1:PORT [--Bench:DelayMs=3] [--Bench:ApiKey=KEY]
var role = args.FirstOrDefault();
if (role is not ("upstream" or "ceiling"))
{
    Console.Error.WriteLine("usage: Bench.Cache upstream|ceiling --urls http://127.0.0.1:PORT [--Bench:DelayMs=3 --Bench:ApiKey=KEY]");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder(args.Skip(1).ToArray());
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var delay = TimeSpan.FromMilliseconds(builder.Configuration.GetValue("Bench:DelayMs", 3.0));
var apiKey = builder.Configuration["Bench:ApiKey"] ?? "";

var image = new byte[16 * 1024];
new Random(7).NextBytes(image);
"RIFF"u8.CopyTo(image);
"WEBPVP8 "u8.CopyTo(image.AsSpan(8));
const string ETag = "W/\"4000-19454e19ee0\"";
const string CacheControl = "private, max-age=86400, no-transform, stale-while-revalidate=2592000, stale-if-error=2592000";
const string Disposition = "inline; filename*=UTF-8''IMG_0001_thumbnail.webp";
const string LastModified = "Sat, 11 Jan 2025 10:21:00 GMT";

var app = builder.Build();
if (role == "upstream")
{
    app.MapGet("/api/assets/{id}/thumbnail", async (HttpContext context) =>
    {
        if (context.Request.Headers["x-api-key"] != apiKey)
        {
            context.Response.StatusCode = 401;
            return;
        }
        await Task.Delay(delay);
        if (context.Request.Headers.IfNoneMatch == ETag)
        {
            context.Response.StatusCode = 304;
            context.Response.Headers.ETag = ETag;
            return;
        }
        await WriteAsync(context);
    });
}
else
{
    app.MapGet("/thumb", WriteAsync);
}
app.Run();
return 0;

Task WriteAsync(HttpContext context)
{
    var headers = context.Response.Headers;
    headers.ContentType = "image/webp";
    headers.ETag = ETag;
    headers.CacheControl = CacheControl;
    headers.ContentDisposition = Disposition;
    headers.LastModified = LastModified;
    context.Response.ContentLength = image.Length;
    return context.Response.Body.WriteAsync(image).AsTask();
}
