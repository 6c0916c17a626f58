using ImmichGateway.Tests.Fixtures;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Model;

namespace ImmichGateway.Tests.Errors;

/// <summary>One endpoint the gateway answers itself, with one of its methods.</summary>
public sealed record SweptEndpoint(string Method, RoutePattern Pattern, bool IsAnonymous)
{
    public static readonly Guid SomeId = Guid.Parse("5a6f7c2e-3b1d-4e8f-9a0b-1c2d3e4f5a6b");

    public string Route => Pattern.RawText ?? "";

    public IEnumerable<string> ParameterNames => Pattern.Parameters.Select(p => p.Name);

    public bool TakesBody => Method is "POST" or "PUT" or "PATCH" or "DELETE";

    public override string ToString() => $"{Method} {Route}";

    /// <summary>
    /// The path with every parameter given a value the route accepts (ids Immich knows: the admin's album, an asset of
    /// album one, the admin herself), except those in <paramref name="overrides"/>, which are put in as they are.
    /// </summary>
    public string Path(IReadOnlyDictionary<string, string>? overrides = null)
    {
        var path = new System.Text.StringBuilder();
        for (var i = 0; i < Pattern.PathSegments.Count; i++)
        {
            path.Append('/');
            foreach (var part in Pattern.PathSegments[i].Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart parameter => overrides?.GetValueOrDefault(parameter.Name) ?? ValidValue(i, parameter),
                    _ => throw new NotSupportedException(part.GetType().Name),
                });
            }
        }
        return path.Length == 0 ? "/" : path.ToString();
    }

    /// <summary>A value this parameter takes, chosen by its name and the literal segment before it (a new route gets one too).</summary>
    public string ValidValue(int segment, RoutePatternParameterPart parameter)
    {
        var before = segment > 0 && Pattern.PathSegments[segment - 1].Parts is [RoutePatternLiteralPart literal] ? literal.Content : "";
        return parameter.Name switch
        {
            "id" or "albumId" or "assetId" or "userId" => before switch
            {
                "albums" => FakeImmich.AlbumTwo.ToString(),
                "assets" => FakeImmich.AlbumOneAssets[0],
                "users" => TestUsers.Ada.Id,
                _ => SomeId.ToString(),
            },
            "name" => "thumbnail-generation",
            "documentName" => "v1",
            "extension" => "json",
            _ => parameter.ParameterPolicies.Any(p => p.Content == "guid") ? SomeId.ToString() : "x",
        };
    }

    /// <summary>
    /// Routes swept with a sample of each battery (every <see cref="SampleEvery"/>th input) rather than all of it: the
    /// gateway's OpenAPI document is generated anew for every request (~0.3 s of CPU), and reads nothing but its route
    /// values, so the whole battery would be most of the sweep's time for little.
    /// </summary>
    public static readonly string[] Sampled = ["/swagger/{documentName}/swagger.{extension}"];

    public const int SampleEvery = 6;

    public bool IsSampled => Sampled.Contains(Route);

    /// <summary>
    /// Every endpoint of the running app but YARP's (the <c>/api/{**path}</c> passthrough and its siblings), read from
    /// its <see cref="EndpointDataSource"/>: a route added later is swept without being listed anywhere. An endpoint
    /// that takes any method (the health checks) is swept with GET; one that takes GET and HEAD with GET (HEAD is in
    /// the method battery).
    /// </summary>
    public static IReadOnlyList<SweptEndpoint> Of(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<RouteModel>() is null)
            .SelectMany(e => Methods(e).Select(method => new SweptEndpoint(method, e.RoutePattern, e.Metadata.GetMetadata<IAllowAnonymous>() is not null)))
            .DistinctBy(e => e.ToString())
            .OrderBy(e => e.Route, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal)
            .ToList();

    private static IEnumerable<string> Methods(Endpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
        return methods.Contains("GET") ? methods.Where(m => m != "HEAD") : methods;
    }
}
