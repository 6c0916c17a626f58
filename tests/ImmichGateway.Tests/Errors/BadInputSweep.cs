using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ImmichGateway.Tests.Fixtures;
using Microsoft.Extensions.Logging;

namespace ImmichGateway.Tests.Errors;

/// <summary>The sweep's own gateway and fake (so what reached Immich is exactly the sweep's), with rate limits out of the way (as every test gateway's).</summary>
public sealed class SweepGateway : GatewayFactory
{
    public SweepGateway()
    {
        // Errors are what the sweep reads from the logs; Debug logging would take most of its time.
        foreach (var category in new[] { "Default", "Microsoft.AspNetCore", "Yarp", "System.Net.Http.HttpClient", "Polly" })
        {
            Settings[$"Logging:LogLevel:{category}"] = "Warning";
        }
    }
}

/// <summary>What one bad request got: the answer (or none in time, or a broken connection) and what reached Immich for it.</summary>
public sealed record SweepAnswer(
    SweptEndpoint Endpoint,
    BadInput Input,
    string Method,
    string Url,
    int? Status,
    string? ContentType,
    byte[] Body,
    string? Failure,
    IReadOnlyList<SeenRequest> ReachedImmich)
{
    public override string ToString() => $"{Method} {(Url.Length > 120 ? Url[..100] + "…" : Url)} [{Endpoint.Route}: {Input.Name}]";
}

/// <summary>
/// Sends bad inputs to the gateway's own endpoints and checks every answer against the standard: no 5xx (with the fake
/// Immich up, not even a deliberate 502/503/504), a complete answer within <see cref="AnswerWithin"/>, every 4xx the
/// gateway produced itself a problem document (with that status), Immich's own errors passed through as Immich sent
/// them, the gateway's refusals (400, 401, 405, 413 …) reached before Immich was called, and nothing reaching Immich
/// that must not (the client's credentials, the reference API's <c>format</c>). Requests run a few at a time; each
/// carries its own Host, which reaches Immich as X-Forwarded-Host (README, "Forwarded headers"), so what Immich saw
/// is matched to the request that caused it.
/// </summary>
public sealed class BadInputSweep(GatewayFactory gateway)
{
    /// <summary>
    /// A hang, not a slow answer: the full suite on a loaded 2-core CI machine has kept a few of these requests waiting
    /// 6.5 s. Still far below the gateway's own Immich time limits (Immich:RequestTimeout, 100 s), which a request stuck
    /// on Immich would wait for.
    /// </summary>
    public static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(30);

    private const int Concurrency = 4;
    private static int _next;

    public async Task<IReadOnlyList<SweepAnswer>> RunAsync(IEnumerable<(SweptEndpoint Endpoint, BadInput Input)> cases, CancellationToken cancel)
    {
        var numbered = cases.Select(c => (c.Endpoint, c.Input, Host: $"sweep-{Interlocked.Increment(ref _next)}.test")).ToList();
        using var http = gateway.CreateAnonymousClient(); // the key is set per request
        http.Timeout = Timeout.InfiniteTimeSpan; // AnswerWithin applies, per request
        var answers = new ConcurrentBag<(SweepAnswer Answer, string Host)>();
        await Parallel.ForEachAsync(numbered, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancel },
            async (c, ct) => answers.Add((await SendAsync(http, c.Endpoint, c.Input, c.Host, ct), c.Host)));

        var reached = gateway.Immich.Requests.Where(r => r.Header("x-forwarded-host") is not null)
            .ToLookup(r => r.Header("x-forwarded-host")!, StringComparer.OrdinalIgnoreCase);
        return answers.Select(a => a.Answer with { ReachedImmich = reached[a.Host].ToList() })
            .OrderBy(a => a.Endpoint.ToString(), StringComparer.Ordinal).ThenBy(a => a.Input.Name, StringComparer.Ordinal).ToList();
    }

    private static async Task<SweepAnswer> SendAsync(HttpClient http, SweptEndpoint endpoint, BadInput input, string host, CancellationToken cancel)
    {
        var method = input.Method ?? endpoint.Method;
        var path = endpoint.Path(input.PathValues);
        if (input.EncodedSlash)
        {
            path = path.Length > 1 ? path[..path.LastIndexOf('/')] + "%2F" + path[(path.LastIndexOf('/') + 1)..] : "/%2F";
        }
        var url = path + (input.Query is null ? "" : "?" + input.Query);
        using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = input.Body?.Invoke() };
        request.Headers.Host = host;
        if ((input.Key ?? TestUsers.AdaCli.Key) is { Length: > 0 } key)
        {
            request.Headers.Add("x-api-key", key);
        }
        foreach (var (name, value) in input.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(AnswerWithin);
        var answer = new SweepAnswer(endpoint, input, method, url, null, null, [], null, []);
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            answer = answer with { Status = (int)response.StatusCode, ContentType = response.Content.Headers.ContentType?.MediaType };
            return answer with { Body = await response.Content.ReadAsByteArrayAsync(timeout.Token) };
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return answer with { Failure = $"no complete answer within {AnswerWithin.TotalSeconds:0} s (a hang)" };
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidOperationException)
        {
            return answer with { Failure = $"the answer broke off after {clock.ElapsedMilliseconds} ms: {ex.GetType().Name}: {ex.Message}" };
        }
    }

    /// <summary>What is wrong with one answer (nothing: empty).</summary>
    public static IEnumerable<string> Violations(SweepAnswer answer)
    {
        foreach (var leak in answer.ReachedImmich.SelectMany(Leaks))
        {
            yield return leak;
        }
        if (answer.Failure is not null)
        {
            yield return answer.Failure;
            yield break;
        }
        var status = answer.Status!.Value;
        if (status >= 500)
        {
            yield return $"{status} {Describe(answer)}";
            yield break;
        }
        if (status < 400)
        {
            yield break;
        }
        if (answer.ContentType == "application/problem+json")
        {
            if (ProblemStatus(answer.Body) is not { } declared || declared != status)
            {
                yield return $"{status} problem document whose status is {ProblemStatus(answer.Body)?.ToString() ?? "missing"}: {Describe(answer)}";
            }
            if (RefusedBeforeImmich.Contains(status) && answer.ReachedImmich.Count > 0)
            {
                yield return $"{status} problem from the gateway, yet Immich was called ({string.Join(", ", answer.ReachedImmich.Select(r => $"{r.Method} {r.Path}"))}): {Describe(answer)}";
            }
            yield break;
        }
        if (answer.ReachedImmich.Count == 0)
        {
            yield return $"{status} that is not a problem document, and Immich was not called (the gateway's own error): {Describe(answer)}";
        }
        else if (answer.Method == "HEAD" ? answer.ContentType != "application/json" : !IsImmichError(answer.Body))
        {
            yield return $"{status} that is neither a problem document nor Immich's error JSON: {Describe(answer)}";
        }
    }

    /// <summary>
    /// What Immich must never receive (README, "How clients authenticate"): a credential the client sent (header,
    /// cookie or query parameter) or any key but the user's own Immich key; nor the reference API's <c>format</c> on a
    /// thumbnail call (not an Immich parameter).
    /// </summary>
    private static IEnumerable<string> Leaks(SeenRequest seen)
    {
        var call = $"Immich received {seen.Method} {seen.Path}";
        if (seen.Header("x-api-key") is { } key && key != TestUsers.Ada.ImmichKey)
        {
            yield return $"{call} with x-api-key {(TestUsers.AllSecrets.Contains(key) ? "of another credential" : "the client sent")}";
        }
        foreach (var header in new[] { "authorization", "x-immich-user-token", "x-immich-session-token", "x-immich-share-key", "x-immich-share-slug" })
        {
            if (seen.Header(header) is not null)
            {
                yield return $"{call} with the client's {header} header";
            }
        }
        if (seen.Header("cookie") is { } cookie && cookie.Contains("immich_", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"{call} with the client's immich_ cookie";
        }
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(seen.Query);
        foreach (var name in query.Keys.Where(k => k.ToLowerInvariant() is "apikey" or "sessionkey" or "key" or "slug"))
        {
            yield return $"{call} with the client's {name} query parameter";
        }
        if (seen.Path.EndsWith("/thumbnail", StringComparison.Ordinal) && query.ContainsKey("format"))
        {
            yield return $"{call}{seen.Query}: format is the gateway's parameter, not Immich's";
        }
    }

    /// <summary>Every violation of every answer, one line each, plus every error the gateway logged meanwhile.</summary>
    public static List<string> Report(IEnumerable<SweepAnswer> answers, IEnumerable<LogSink.LogEvent> errorsLogged, IEnumerable<Exception> fakeErrors)
    {
        var lines = answers.SelectMany(a => Violations(a).Select(v => $"{a}: {v}")).ToList();
        lines.AddRange(errorsLogged.Select(e => $"logged {e.Level} ({e.Category}): {Shorten(e.Message)} {Shorten(e.Exception ?? "", 300)}"));
        lines.AddRange(fakeErrors.Select(e => $"the fake Immich itself failed (a broken fake, not the gateway): {e.GetType().Name}: {e.Message}"));
        return lines;
    }

    /// <summary>
    /// The gateway's problems that mean "refused before Immich" (README: bad input to translated routes and screens, no
    /// or a bad credential, rate limits, oversized bodies, methods and paths it does not serve). 403, 404 and 406 may
    /// follow an Immich call (a screen's refusal by Immich, a missing cover, an image that cannot be converted).
    /// </summary>
    private static readonly HashSet<int> RefusedBeforeImmich = [400, 401, 405, 411, 413, 414, 415, 429, 431];

    private static int? ProblemStatus(byte[] body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.ValueKind == JsonValueKind.Object && problem.RootElement.TryGetProperty("status", out var s) &&
                s.TryGetInt32(out var value) ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Immich's errors are JSON objects with a <c>message</c> (OBSERVED.md).</summary>
    private static bool IsImmichError(byte[] body)
    {
        try
        {
            using var error = JsonDocument.Parse(body);
            return error.RootElement.ValueKind == JsonValueKind.Object && error.RootElement.TryGetProperty("message", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Describe(SweepAnswer answer) =>
        $"{answer.ContentType ?? "no content type"}, {(answer.Body.Length == 0 ? "empty body" : Shorten(Encoding.UTF8.GetString(answer.Body)))}";

    private static string Shorten(string text, int max = 200) => text.Length > max ? text[..max] + "…" : text;

    /// <summary>Errors the gateway logged (an unhandled exception is logged here even when the client saw a status).</summary>
    public static IEnumerable<LogSink.LogEvent> ErrorsLogged(LogSink logs, int since) =>
        logs.Events.Skip(since).Where(e => e.Level >= LogLevel.Error);
}
