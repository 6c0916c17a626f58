using System.Text.Json.Nodes;

// A fake Immich for the /bff benchmark: one album of 5,000 assets, each call delayed by DELAY_MS (a database's work).
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var key = Environment.GetEnvironmentVariable("IMMICH_KEY") ?? "bench-immich-key";
var delay = TimeSpan.FromMilliseconds(int.Parse(Environment.GetEnvironmentVariable("DELAY_MS") ?? "3"));
var albumId = Guid.Parse("5000bb5e-afab-4dd6-918c-53bf41379a9d");
var owner = new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["name"] = "Ada Admin", ["email"] = "ada@example.com" };
var assets = Enumerable.Range(0, 5000).Select(i => new JsonObject
{
    ["id"] = Guid.NewGuid().ToString(), ["type"] = i % 10 == 9 ? "VIDEO" : "IMAGE", ["originalFileName"] = $"IMG_{i:D5}.jpg",
    ["originalMimeType"] = "image/jpeg", ["width"] = 4032, ["height"] = 3024,
    ["fileCreatedAt"] = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(5000 - i).ToString("O"),
    ["localDateTime"] = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(5000 - i).ToString("O"),
    ["isFavorite"] = i % 7 == 0, ["isTrashed"] = false, ["visibility"] = "timeline", ["duration"] = i % 10 == 9 ? "0:00:12.000000" : null,
    ["thumbhash"] = "IQgKBYB9SIcOkJcnnWeodwAAAAAA", ["ownerId"] = owner["id"]!.GetValue<string>(),
    ["exifInfo"] = new JsonObject { ["make"] = "RecCam", ["model"] = "RecCam Model 2", ["fileSizeInByte"] = 4_000_000 },
    ["people"] = new JsonArray(), ["tags"] = new JsonArray(), ["checksum"] = "0MTIh+hFUNeSI/dIcVIqbogaaGk=",
}).ToList();
var album = new JsonObject
{
    ["id"] = albumId.ToString(), ["albumName"] = "Five thousand", ["description"] = "", ["albumThumbnailAssetId"] = assets[0]["id"]!.GetValue<string>(),
    ["assetCount"] = assets.Count, ["shared"] = true, ["hasSharedLink"] = false, ["isActivityEnabled"] = true,
    ["createdAt"] = "2024-01-01T00:00:00.000Z", ["updatedAt"] = "2024-06-01T00:00:00.000Z", ["startDate"] = "2024-01-01T00:00:00.000Z",
    ["endDate"] = "2024-01-04T00:00:00.000Z", ["order"] = "desc",
    ["albumUsers"] = new JsonArray(new JsonObject { ["user"] = owner.DeepClone(), ["role"] = "owner" }),
};

app.Use(async (context, next) =>
{
    if (context.Request.Headers["x-api-key"] != key)
    {
        context.Response.StatusCode = 401;
        await context.Response.WriteAsJsonAsync(new { message = "Invalid API key" });
        return;
    }
    await Task.Delay(delay);
    await next(context);
});
app.MapGet("/api/albums/{id:guid}", () => Results.Text(album.ToJsonString(), "application/json"));
app.MapGet("/api/activities/statistics", () => Results.Text("{\"comments\":12,\"likes\":30}", "application/json"));
app.MapPost("/api/search/metadata", async (HttpRequest request) =>
{
    var search = (await JsonNode.ParseAsync(request.Body))!;
    var page = search["page"]?.GetValue<int>() ?? 1;
    var size = search["size"]?.GetValue<int>() ?? 250;
    var items = assets.Skip((page - 1) * size).Take(size).Select(a => (JsonNode)a.DeepClone()).ToArray();
    var result = new JsonObject
    {
        ["albums"] = new JsonObject { ["total"] = 0, ["count"] = 0, ["items"] = new JsonArray(), ["facets"] = new JsonArray() },
        ["assets"] = new JsonObject
        {
            ["total"] = items.Length, ["count"] = items.Length, ["items"] = new JsonArray(items), ["facets"] = new JsonArray(),
            ["nextPage"] = page * size < assets.Count ? (page + 1).ToString() : null,
        },
    };
    return Results.Text(result.ToJsonString(), "application/json");
});
app.Run();
