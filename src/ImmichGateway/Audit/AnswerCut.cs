namespace ImmichGateway.Audit;

/// <summary>
/// Marks a request whose answer the gateway cut (the connection aborted, an HTTP/2 stream reset), so its audit event
/// says <see cref="AuditOutcome.Aborted"/> whatever status went out first. <see cref="HttpContext.Abort"/> alone is not
/// enough to tell: Kestrel cancels <see cref="HttpContext.RequestAborted"/> on the thread pool, often after the audit has
/// written its event. The marker is one shared instance, set only when an answer is cut: the normal path allocates nothing.
/// </summary>
internal sealed class AnswerCut
{
    private static readonly AnswerCut Marker = new();

    private AnswerCut()
    {
    }

    /// <summary>Cuts the answer, so the client sees it is incomplete, and records that it was cut.</summary>
    public static void Abort(HttpContext context)
    {
        Record(context);
        context.Abort();
    }

    /// <summary>Records a cut made elsewhere (YARP aborts an answer whose forwarding failed after it began).</summary>
    public static void Record(HttpContext context) => context.Features.Set(Marker);

    public static bool IsCut(HttpContext context) => context.Features.Get<AnswerCut>() is not null;
}
