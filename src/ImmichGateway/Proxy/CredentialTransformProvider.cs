using ImmichGateway.Auth;
using ImmichGateway.Errors;
using ImmichGateway.Immich;
using ImmichGateway.Keys;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ImmichGateway.Proxy;

/// <summary>
/// On every route whose metadata names <see cref="ProxyMetadata.Credentials"/>: removes every credential the client
/// sent (Immich honours share links and sessions before API keys, so a leftover would change who Immich thinks is
/// calling) and, for <see cref="ProxyMetadata.PerUser"/>, sends the caller's own Immich API key instead.
/// </summary>
internal sealed class CredentialTransformProvider : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
        var mode = context.Route.Metadata?.GetValueOrDefault(ProxyMetadata.Credentials);
        if (mode is not null and not ProxyMetadata.PerUser and not ProxyMetadata.None)
        {
            context.Errors.Add(new ArgumentException(
                $"Route '{context.Route.RouteId}': metadata {ProxyMetadata.Credentials} must be {ProxyMetadata.PerUser} or {ProxyMetadata.None}."));
        }
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        var mode = context.Route.Metadata?.GetValueOrDefault(ProxyMetadata.Credentials);
        if (mode is null)
        {
            return;
        }

        context.AddRequestTransform(StripCredentials);
        if (mode == ProxyMetadata.PerUser)
        {
            var users = context.Services.GetRequiredService<GatewayUsersStore>();
            var rules = context.Services.GetRequiredService<ImmichRouteRules>();
            var metrics = context.Services.GetRequiredService<ProxyMetrics>();
            var logger = context.Services.GetRequiredService<ILogger<CredentialTransformProvider>>();
            context.AddRequestTransform(tc => SubstituteKeyAsync(tc, users, rules));
            context.AddRequestTransform(tc => RefuseCredentialFieldsAsync(tc, rules));
            context.AddResponseTransform(rc => ReportRejectedKeyAsync(rc, rules, metrics, logger));
        }
    }

    private static ValueTask StripCredentials(RequestTransformContext context)
    {
        var headers = context.ProxyRequest.Headers;
        var incoming = context.HttpContext.Request.Headers;
        foreach (var name in ImmichHeaders.CredentialHeaders)
        {
            if (incoming.ContainsKey(name)) // what YARP copied came from here; a lookup here is cheaper than a removal there
            {
                headers.Remove(name);
            }
        }

        var cookies = context.HttpContext.Request.Headers.Cookie;
        if (cookies.Count > 0)
        {
            headers.Remove("Cookie");
            var kept = KeepNonImmichCookies(cookies);
            if (kept.Length > 0)
            {
                headers.TryAddWithoutValidation("Cookie", kept);
            }
        }

        // Touch the query only when it carries a credential: rebuilding it would re-encode what Immich receives.
        if (context.HttpContext.Request.QueryString.HasValue &&
            context.HttpContext.Request.Query.Keys.Any(ImmichHeaders.IsCredentialQueryParameter))
        {
            var query = context.Query.Collection;
            foreach (var key in query.Keys.ToArray())
            {
                if (ImmichHeaders.IsCredentialQueryParameter(key))
                {
                    query.Remove(key);
                }
            }
        }
        return ValueTask.CompletedTask;
    }

    private static string KeepNonImmichCookies(StringValues cookieHeaders)
    {
        var kept = new List<string>();
        foreach (var header in cookieHeaders)
        {
            foreach (var part in (header ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!part.StartsWith(ImmichHeaders.CookiePrefix, StringComparison.OrdinalIgnoreCase))
                {
                    kept.Add(part);
                }
            }
        }
        return string.Join("; ", kept);
    }

    /// <summary>
    /// A user update that would set a password or PIN code is refused like the credential routes (a client could then
    /// log in to Immich past the gateway); the rest of such a body is read whole, checked and forwarded as read.
    /// </summary>
    private static async ValueTask RefuseCredentialFieldsAsync(RequestTransformContext context, ImmichRouteRules rules)
    {
        var http = context.HttpContext;
        if (!rules.ChecksBody(http.Request) || !ProxiedJsonBody.HasBody(http.Request) || await ProxiedJsonBody.ReadAsync(http) is not { } body)
        {
            return; // nothing to check, or the problem is written and nothing is forwarded
        }
        if (ImmichRouteRules.BodyRefusal(body) is var (status, detail))
        {
            await http.WriteProblemAsync(status, status == StatusCodes.Status403Forbidden ? "Forbidden by the gateway" : "Bad request", detail);
            return;
        }
        ProxiedJsonBody.Replace(context, body);
    }

    private static ValueTask SubstituteKeyAsync(RequestTransformContext context, GatewayUsersStore users, ImmichRouteRules rules)
    {
        var http = context.HttpContext;
        if (rules.IsPublic(http.Request))
        {
            return ValueTask.CompletedTask; // public routes go to Immich anonymously, whoever calls
        }

        var caller = GatewayCaller.From(http.User);
        var immichKey = caller is null ? null : users.Current.ImmichKeyFor(caller.User);
        if (caller is null || immichKey is null)
        {
            // The user vanished from configuration between authentication and forwarding. A non-200 status stops YARP.
            return http.WriteProblemAsync(StatusCodes.Status401Unauthorized, "Authentication required", AuthMessages.UnknownKey);
        }

        context.ProxyRequest.Headers.TryAddWithoutValidation(ImmichHeaders.ApiKey, immichKey);
        return ValueTask.CompletedTask;
    }

    /// <summary>The user whose key <see cref="SubstituteKeyAsync"/> sent, if it sent one.</summary>
    private static string? SubstitutedUser(HttpContext http, ImmichRouteRules rules) =>
        rules.IsPublic(http.Request) ? null : GatewayCaller.From(http.User)?.User;

    private static async ValueTask ReportRejectedKeyAsync(ResponseTransformContext context, ImmichRouteRules rules, ProxyMetrics metrics, ILogger logger)
    {
        if (context.ProxyResponse?.StatusCode != System.Net.HttpStatusCode.Unauthorized ||
            SubstitutedUser(context.HttpContext, rules) is not { } user)
        {
            return;
        }

        // Immich refused the key the gateway holds for this user (revoked or deleted in Immich): that is the
        // gateway's fault, not the client's, and the client must not be told to re-authenticate.
        ProxyLog.ImmichKeyRejected(logger, user);
        metrics.ImmichKeyRejected(user);
        context.SuppressResponseBody = true;
        var response = context.HttpContext.Response;
        foreach (var header in context.ProxyResponse.Headers.Concat(context.ProxyResponse.Content.Headers))
        {
            response.Headers.Remove(header.Key);
        }
        await context.HttpContext.WriteProblemAsync(StatusCodes.Status502BadGateway, "Immich rejected the gateway's credential",
            "Immich refused the API key the gateway holds for this user (revoked or deleted in Immich?). The gateway's operator must update it.");
    }
}
