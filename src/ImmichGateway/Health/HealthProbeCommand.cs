namespace ImmichGateway.Health;

/// <summary>
/// <c>dotnet ImmichGateway.dll health-probe [url]</c>: exits 0 when <c>/health/ready</c> answers 2xx, 1 otherwise.
/// The container image has no shell and no curl; this is how docker compose checks the gateway. Default URL: where
/// Kestrel listens by the same environment variables, on loopback — the first <c>http://</c> address of
/// <c>ASPNETCORE_URLS</c> (which wins over the ports, as in Kestrel), else the first of <c>ASPNETCORE_HTTP_PORTS</c>,
/// else 8080. A gateway listening elsewhere (<c>--urls</c>, <c>Kestrel:Endpoints</c>, HTTPS only) is probed by URL.
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

        var url = args.Length > 1 ? args[1] : DefaultUrl(Environment.GetEnvironmentVariable);
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

    /// <summary>The readiness URL on loopback, from the variables Kestrel listens by.</summary>
    internal static string DefaultUrl(Func<string, string?> environment)
    {
        var separators = new[] { ';', ',' };
        const StringSplitOptions Options = StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries;
        foreach (var address in environment("ASPNETCORE_URLS")?.Split(separators, Options) ?? [])
        {
            if (address.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            {
                return $"http://{LoopbackAuthority(address["http://".Length..])}{HealthEndpoints.Ready}";
            }
        }
        var port = environment("ASPNETCORE_HTTP_PORTS")?.Split(separators, Options).FirstOrDefault() ?? "8080";
        return $"http://127.0.0.1:{port}{HealthEndpoints.Ready}";
    }

    /// <summary>
    /// <c>+:8080</c>, <c>*:8080</c>, <c>0.0.0.0:8080</c> and <c>[::]:8080</c> (every interface) become
    /// <c>127.0.0.1:8080</c>; a named host or address stays, as it is the only one listening.
    /// </summary>
    private static string LoopbackAuthority(string rest)
    {
        var authority = rest.Split('/', 2)[0];
        var portStart = authority.LastIndexOf(':');
        var (host, port) = portStart > authority.LastIndexOf(']')
            ? (authority[..portStart], authority[portStart..])
            : (authority, ":80");
        return (host is "+" or "*" or "0.0.0.0" or "[::]" ? "127.0.0.1" : host) + port;
    }
}
