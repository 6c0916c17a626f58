// Plain YARP in front of the fake Immich: /api/{**path} → Upstream:BaseUrl, no authentication, and the upstream's
// API key set on every forwarded request by a stock header transform. Same logging levels as the gateway's
// appsettings.json (Default Information, Microsoft.AspNetCore and Yarp Warning), so neither logs per request
// unless it chooses to.
// Run: dotnet Bench.BareYarp.dll --urls http://127.0.0.1:5302 --Upstream:BaseUrl=http://127.0.0.1:5301 --Upstream:ApiKey=secret
using Yarp.ReverseProxy.Configuration;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Logging.AddFilter("Yarp", LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);

var upstream = builder.Configuration["Upstream:BaseUrl"];
var apiKey = builder.Configuration["Upstream:ApiKey"];
if (string.IsNullOrEmpty(upstream) || string.IsNullOrEmpty(apiKey))
{
    Console.Error.WriteLine("Upstream:BaseUrl and Upstream:ApiKey are required.");
    return 2;
}

RouteConfig[] routes =
[
    new RouteConfig
    {
        RouteId = "api",
        ClusterId = "upstream",
        Match = new RouteMatch { Path = "/api/{**path}" },
        Transforms =
        [
            new Dictionary<string, string> { ["RequestHeader"] = "x-api-key", ["Set"] = apiKey },
        ],
    },
];
ClusterConfig[] clusters =
[
    new ClusterConfig
    {
        ClusterId = "upstream",
        Destinations = new Dictionary<string, DestinationConfig>
        {
            ["upstream"] = new DestinationConfig { Address = upstream },
        },
    },
];

builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);

var app = builder.Build();
app.MapReverseProxy();
app.Run();
return 0;
