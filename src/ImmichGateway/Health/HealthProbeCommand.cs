namespace ImmichGateway.Health;

/// <summary>
/// <c>dotnet ImmichGateway.dll health-probe [url]</c>: exits 0 when <c>/health/ready</c> answers 2xx, 1 otherwise.
/// The container image has no shell and no curl; this is how docker compose checks the gateway. Default URL:
/// <c>http://127.0.0.1:{first of ASPNETCORE_HTTP_PORTS, else 8080}/health/ready</c>.
/// </summary>
internal static class HealthProbeCommand
{
    public const string Name = "health-probe";

    /// <summary>The exit code when <paramref name="args"/> asks for the probe; null otherwise (run the gateway).</summary>
    public static async Task<int?> TryRunAsync(string[] args, TextWriter output)
    {
        if (args.Length == 0 || args[0] != Name)
        {
            return null;
        }

        var url = args.Length > 1 ? args[1] : $"http://127.0.0.1:{DefaultPort()}{HealthEndpoints.Ready}";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(url);
            output.WriteLine($"{url}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException or UriFormatException)
        {
            output.WriteLine($"{url}: {ex.Message}");
            return 1;
        }
    }

    private static string DefaultPort() =>
        Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS")?.Split([';', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault() ?? "8080";
}
