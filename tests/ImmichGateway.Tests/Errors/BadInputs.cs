using System.Net.Http.Headers;
using System.Text;

namespace ImmichGateway.Tests.Errors;

/// <summary>
/// One bad input: path parameters put in as they are, a raw query string, extra headers, a body, or another method.
/// Anything not set is what the route accepts.
/// </summary>
public sealed record BadInput(string Name)
{
    public IReadOnlyDictionary<string, string>? PathValues { get; init; }
    public string? Query { get; init; }
    public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];
    public Func<HttpContent?>? Body { get; init; }
    public string? Method { get; init; }

    /// <summary>The x-api-key to send instead of the sweep client's valid key ("" sends none).</summary>
    public string? Key { get; init; }

    /// <summary>Puts an encoded slash into the path (which the gateway refuses before routing).</summary>
    public bool EncodedSlash { get; init; }

    public override string ToString() => Name;
}

/// <summary>The battery: what clients get wrong, what fuzzers send, and what overflows.</summary>
public static class BadInputs
{
    /// <summary>Values put where a route expects an id (or a job name, a document name…): each parameter in turn.</summary>
    public static IEnumerable<BadInput> ForPath(SweptEndpoint endpoint)
    {
        var some = SweptEndpoint.SomeId;
        var values = new (string Name, string Value)[]
        {
            ("not a uuid", "not-a-uuid"),
            ("hyphenless uuid", some.ToString("N")),
            ("braced uuid", Uri.EscapeDataString(some.ToString("B"))),
            ("parenthesised uuid", some.ToString("P")),
            ("hex-struct uuid", Uri.EscapeDataString(some.ToString("X"))),
            ("uuid with a suffix", some + "-extra"),
            ("uuid one short", some.ToString()[..^1]),
            ("nil uuid", Guid.Empty.ToString()),
            ("unknown uuid", "0b7c4a0e-0000-4000-8000-00000000beef"),
            ("overlong id", new string('a', 1000)),
            ("overlong uuid-ish id", string.Concat(Enumerable.Repeat(some.ToString(), 30))),
            ("numeric id", "12345"),
            ("negative id", "-1"),
            ("percent-encoded unicode", "%E2%82%AC%F0%9F%98%80"),
            ("invalid UTF-8", "%FF%FE"),
            // Not here: %00, which the in-memory test server refuses before the gateway (as Kestrel does, with its own
            // 400), and dot segments, plain or encoded, which HttpClient resolves before sending (PathGuardTests send
            // them on a raw socket).
            ("encoded space", "%20"),
            ("encoded slash", "a%2Fb"),
            ("encoded quote and angle brackets", "%22%3Cscript%3E"),
        };
        foreach (var name in endpoint.ParameterNames)
        {
            foreach (var (label, value) in values)
            {
                yield return new BadInput($"{{{name}}} = {label}") { PathValues = new Dictionary<string, string> { [name] = value } };
            }
        }
    }

    private static readonly string[] Numbers =
        ["-1", "0", "1001", "2147483647", "2147483648", "9223372036854775808", "99999999999999999999999999", "abc", "", "1.5", "1e3", "0x10", "+5", " 1", "%2D1", "١٢"];

    private static readonly string[] Uuids =
        ["garbage", "", ",", "a,,b", "00000000-0000-0000-0000-000000000000,garbage", "5a6f7c2e3b1d4e8f9a0b1c2d3e4f5a6b", "%7B5a6f7c2e-3b1d-4e8f-9a0b-1c2d3e4f5a6b%7D"];

    /// <summary>
    /// Query strings every endpoint gets, whether it reads them or not (an unread one must change nothing). Lengths stay
    /// under Kestrel's 8 KB request line, which the fake Immich has (real Immich's Node refuses 16 KB of headers with its
    /// own empty 431): the gateway forwards some queries as they are, and the HTTP server's own refusal is not the
    /// gateway's to shape.
    /// </summary>
    public static IEnumerable<BadInput> ForQuery() => Shaped([
        ("unknown parameter", "bogus=1"),
        ("empty name", "=x"),
        ("only separators", "&&&"),
        ("bare names", "page&size&format&withoutAssets&cursor&limit&shared&assetIds"),
        ("invalid percent-encoding", "page=%zz&format=%"),
        ("invalid UTF-8 value", "city=%C3%28&format=%FF"),
        ("encoded NUL name", "%00=1"),
        ("credential parameters", "apiKey=x&key=y&slug=z&sessionKey=w"),
        ("every parameter twice", "page=1&page=2&size=1&size=2&limit=1&limit=2&shared=true&shared=false&withoutAssets=true&withoutAssets=false&force=true&force=false"),
        ("a 6 KB value", "description=" + new string('d', 6_000)),
        ("400 parameters", string.Join('&', Enumerable.Range(0, 400).Select(i => $"p{i}={i}"))),
    ]);

    /// <summary>
    /// Absurd values for the query parameters the gateway's routes read (page, size, format, edited, cursor, limit,
    /// withoutAssets, shared, force, the list filters, assetIds …): for the endpoints that take a query.
    /// </summary>
    public static IEnumerable<BadInput> ForQueryValues()
    {
        var cases = new List<(string Name, string Query)>();
        foreach (var name in new[] { "page", "size", "take", "limit", "skip", "archiveSize" })
        {
            cases.AddRange(Numbers.Select(n => ($"{name}={n}", $"{name}={n}")));
        }
        foreach (var name in new[] { "size", "format", "edited", "withoutAssets", "shared", "force", "isFavorite", "withExif", "visibility", "type", "order" })
        {
            foreach (var value in new[] { "maybe", "", "TRUE", "%00", "%FF" })
            {
                cases.Add(($"{name}={value}", $"{name}={value}"));
            }
        }
        cases.AddRange([
            ("size=fullsize", "size=fullsize"), ("size=original", "size=original"), ("format=JPEG", "format=JPEG"), ("format=jpeg,webp", "format=jpeg,webp"),
            ("format=gif", "format=gif"), ("format=jpeg&format=webp", "format=jpeg&format=webp"), ("size=preview&size=thumbnail", "size=preview&size=thumbnail"),
            ("edited=true&edited=false", "edited=true&edited=false"), ("format=jpeg&size=fullsize", "format=jpeg&size=fullsize"),
            ("format=webp&size=preview&edited=maybe", "format=webp&size=preview&edited=maybe"),
        ]);
        foreach (var name in new[] { "assetIds", "albumId", "userId" })
        {
            cases.AddRange(Uuids.Select(u => ($"{name}={u}", $"{name}={u}")));
        }
        cases.AddRange([
            ("assetIds repeated with garbage", "assetIds=5a6f7c2e-3b1d-4e8f-9a0b-1c2d3e4f5a6b&assetIds=zz"),
            ("albumId repeated", "albumId=5a6f7c2e-3b1d-4e8f-9a0b-1c2d3e4f5a6b&albumId=5a6f7c2e-3b1d-4e8f-9a0b-1c2d3e4f5a6c"),
            ("150 assetIds", "assetIds=" + string.Join(',', Enumerable.Repeat("5a6f7c2e-3b1d-4e8f-9a0b-1c2d3e4f5a6b", 150))),
            ("cursor garbage", "cursor=garbage"),
            ("cursor not base64", "cursor=!!!***"),
            ("cursor page 0", "cursor=" + Cursor("0:10")),
            ("cursor page 1", "cursor=" + Cursor("1:10")),
            ("cursor size 0", "cursor=" + Cursor("2:0")),
            ("cursor size huge", "cursor=" + Cursor("2:99999")),
            ("cursor page overflow", "cursor=" + Cursor("99999999999:10")),
            ("cursor last page", "cursor=" + Cursor("2147483647:1000")),
            ("cursor negative", "cursor=" + Cursor("-2:-1")),
            ("cursor three parts", "cursor=" + Cursor("2:10:1")),
            ("cursor non-ASCII", "cursor=" + Cursor("２:１０")),
            ("cursor empty", "cursor="),
            ("cursor overlong", "cursor=" + new string('A', 6_000)),
            ("cursor and limit", "cursor=" + Cursor("2:10") + "&limit=5"),
            ("takenAfter garbage", "takenAfter=yesterday"), ("takenAfter year 0", "takenAfter=0000-01-01"),
            ("takenBefore max", "takenBefore=9999-12-31T23:59:59.9999999%2B14:00"), ("createdAfter empty", "createdAfter="),
            ("c overlong", "c=" + new string('x', 6_000)),
        ]);
        return Shaped(cases);
    }

    private static IEnumerable<BadInput> Shaped(IEnumerable<(string Name, string Query)> cases) =>
        cases.Select(c => new BadInput("?" + Shorten(c.Name)) { Query = c.Query });

    /// <summary>Odd request headers: conditional, range, content negotiation.</summary>
    public static IEnumerable<BadInput> ForHeaders()
    {
        var cases = new (string Name, string Value)[]
        {
            ("If-None-Match", "garbage"), ("If-None-Match", "*"), ("If-None-Match", "W/"), ("If-None-Match", "\"unterminated"),
            ("If-None-Match", "\"a\", garbage, W/\"b\""), ("If-None-Match", "\"" + new string('e', 8000) + "\""),
            ("If-Modified-Since", "garbage"), ("If-Modified-Since", "Mon, 01 Jan 0001 00:00:00 GMT"), ("If-Modified-Since", "Fri, 31 Dec 9999 23:59:59 GMT"),
            ("Range", "bytes=5-2"), ("Range", "bytes=-0"), ("Range", "bytes=0-0,2-3,5-6"), ("Range", "bytes=0-1,0-1,0-1,0-1,0-1,0-1,0-1,0-1"),
            ("Range", "bytes=abc"), ("Range", "items=0-1"), ("Range", "bytes="), ("Range", "bytes=99999999999999999999-"),
            ("Range", "bytes=999999999-"), ("Range", "bytes=0-"), ("Range", "bytes=-99999999999"), ("Range", "garbage"),
            ("If-Range", "garbage"), ("If-Match", "garbage"), ("If-Match", "\"nope\""), ("If-Unmodified-Since", "Mon, 01 Jan 1990 00:00:00 GMT"),
            ("If-Unmodified-Since", "garbage"), ("Accept", "garbage"), ("Accept", "image/avif"), ("Accept", "*/*;q=abc"),
            ("Accept-Encoding", "garbage;q=2"), ("Cookie", "immich_access_token=x; ;;=; garbage"), ("Authorization", "Bearer garbage"),
            ("x-immich-share-key", "garbage"), ("x-immich-session-token", "garbage"),
            ("X-Forwarded-For", "garbage, ::ffff:999.1.1.1"), ("X-Forwarded-Proto", "gopher"), ("X-Forwarded-Host", "evil.example"),
            ("Content-Type", "garbage///"), ("x-immich-checksum", "garbage"),
        };
        foreach (var (name, value) in cases)
        {
            yield return new BadInput($"{name}: {Shorten(value)}") { Headers = [(name, value)] };
        }
        yield return new BadInput("If-Range garbage with Range") { Headers = [("Range", "bytes=0-1"), ("If-Range", "garbage")] };
        yield return new BadInput("If-None-Match garbage with Range") { Headers = [("Range", "bytes=0-1"), ("If-None-Match", "garbage")] };
    }

    /// <summary>Bodies: wrong content types, nothing, malformed, not an object, too deep, too long, not UTF-8.</summary>
    public static IEnumerable<BadInput> ForBody()
    {
        var deepArray = new string('[', 10_000) + new string(']', 10_000);
        var deepObject = string.Concat(Enumerable.Repeat("{\"a\":", 1000)) + "1" + new string('}', 1000);
        var json = new (string Name, string Body)[]
        {
            ("empty JSON body", ""),
            ("whitespace", "   \n"),
            ("malformed JSON", "{\"name\":"),
            ("a JSON array", "[{\"name\":\"x\"}]"),
            ("a JSON string", "\"x\""),
            ("a JSON number", "42"),
            ("JSON null", "null"),
            ("JSON true", "true"),
            ("trailing content", "{} {}"),
            ("a comment", "{/* x */}"),
            ("an array 10,000 deep", deepArray),
            ("an object 1,000 deep", deepObject),
            ("a 1 MB string", "{\"name\":\"" + new string('n', 1 << 20) + "\"}"),
            ("a 1 MB key", "{\"" + new string('k', 1 << 20) + "\":1}"),
            ("duplicate keys", "{\"name\":\"a\",\"name\":\"b\",\"assetId\":\"5a6f7c2e-3b1d-4e8f-9a0b-1c2d3e4f5a6b\",\"assetId\":\"x\"}"),
            ("a number too large", "{\"force\":1e999,\"size\":99999999999999999999,\"page\":-1}"),
            ("wrong types", "{\"name\":123,\"force\":\"maybe\",\"assetId\":123,\"isArchived\":\"maybe\",\"isFavorite\":{},\"albumIds\":\"x\"}"),
            ("ids that are not uuids", "{\"assetId\":\"not-a-uuid\",\"albumIds\":[\"x\"],\"ids\":[1]}"),
            ("nulls", "{\"name\":null,\"assetId\":null,\"isArchived\":null,\"isFavorite\":null,\"force\":null}"),
            ("empty object", "{}"),
            ("an unknown job", "{\"name\":\"" + new string('j', 10_000) + "\"}"),
            ("a job name that is not a string", "{\"name\":[\"thumbnail-generation\"]}"),
            ("a lone surrogate escape", "{\"name\":\"\\uD800\"}"),
            ("a byte-order mark", "\uFEFF{}"),
        };
        foreach (var (name, body) in json)
        {
            yield return new BadInput(name) { Body = () => Json(body) };
        }
        yield return new BadInput("invalid UTF-8") { Body = () => Bytes([.. "{\"name\":\""u8, 0xFF, 0xFE, 0xC3, 0x28, .. "\"}"u8], "application/json") };
        yield return new BadInput("invalid UTF-8 declared latin1") { Body = () => Bytes([.. "{\"name\":\""u8, 0xFF, .. "\"}"u8], "application/json; charset=iso-8859-1") };
        yield return new BadInput("an object as text/plain") { Body = () => Bytes("{\"name\":\"x\"}"u8.ToArray(), "text/plain") };
        yield return new BadInput("XML") { Body = () => Bytes("<name>x</name>"u8.ToArray(), "application/xml") };
        yield return new BadInput("a form") { Body = () => Bytes("name=x&assetId=y"u8.ToArray(), "application/x-www-form-urlencoded") };
        yield return new BadInput("a garbage content type") { Body = () => Bytes("{}"u8.ToArray(), "garbage///") };
        yield return new BadInput("no content type") { Body = () => Bytes("{}"u8.ToArray(), null) };
        yield return new BadInput("multipart without boundary") { Body = () => Bytes("--x\r\n\r\nx\r\n--x--\r\n"u8.ToArray(), "multipart/form-data") };
        yield return new BadInput("multipart with garbage") { Body = () => Bytes("garbage"u8.ToArray(), "multipart/form-data; boundary=x") };
        yield return new BadInput("multipart cut short")
        {
            Body = () => Bytes("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\nabc"u8.ToArray(), "multipart/form-data; boundary=x"),
        };
        yield return new BadInput("malformed JSON, chunked") { Body = () => new ChunkedContent("{\"name\":"u8.ToArray(), "application/json") };
        yield return new BadInput("empty, chunked") { Body = () => new ChunkedContent([], "application/json") };
    }

    /// <summary>Each endpoint asked with methods it does not take.</summary>
    public static IEnumerable<BadInput> ForMethod(SweptEndpoint endpoint) =>
        new[] { "HEAD", "PATCH", "OPTIONS", "TRACE", "PROPFIND" }.Where(m => m != endpoint.Method).Select(m => new BadInput($"method {m}") { Method = m });

    /// <summary>
    /// Requests the gateway refuses before any handler (an ambiguous path, no key or an unknown one, a method the route
    /// does not take), each also with an Accept header that does not name JSON (an image loader, a browser, garbage):
    /// the refusal is still a problem document.
    /// </summary>
    public static IEnumerable<BadInput> ForRefusals(SweptEndpoint endpoint)
    {
        var refusals = new[]
        {
            new BadInput("an encoded slash") { EncodedSlash = true },
            new BadInput("no key") { Key = "" },
            new BadInput("an unknown key") { Key = "igw_nobody_0000000000000000000000000" },
            new BadInput("a wrong method") { Method = endpoint.Method == "PATCH" ? "PROPFIND" : "PATCH" },
        };
        foreach (var refusal in refusals)
        {
            yield return refusal;
            foreach (var accept in new[] { "image/webp", "image/avif,image/webp,image/*", "text/html", "garbage", "application/xml;q=1, */*;q=0" })
            {
                yield return refusal with { Name = $"{refusal.Name}, Accept: {accept}", Headers = [("Accept", accept)] };
            }
        }
    }

    private static string Cursor(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Shorten(string text) => text.Length > 60 ? text[..40] + $"…({text.Length} chars)" : text;

    private static ByteArrayContent Json(string body) => Bytes(Encoding.UTF8.GetBytes(body), "application/json");

    private static ByteArrayContent Bytes(byte[] body, string? contentType)
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        return content;
    }

    /// <summary>A body without a Content-Length (sent chunked).</summary>
    private sealed class ChunkedContent : HttpContent
    {
        private readonly byte[] _body;

        public ChunkedContent(byte[] body, string contentType)
        {
            _body = body;
            Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(_body).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
