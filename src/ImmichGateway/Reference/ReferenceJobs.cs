using ImmichGateway.Immich;
using static ImmichGateway.Reference.ReferenceForwarding;

namespace ImmichGateway.Reference;

internal static class ReferenceJobs
{
    /// <summary>
    /// A reference job name (or a queue name) starts that queue: PUT /api/jobs/{queue} <c>{command: "start", force}</c>.
    /// Immich's manual jobs (person-cleanup …) go to POST /api/jobs as they are. Anything else is a 400 here.
    /// </summary>
    public static async Task<IResult> StartAsync(HttpRequest request, ImmichClient immich)
    {
        // Read into memory up to the JSON cap (413 beyond), then sent on as it came for manual jobs. Not EnableBuffering:
        // past 30 KB it spills to a temp file, and the pod's /tmp is a small emptyDir.
        var (body, bytes, error) = await ReadJsonAndBytesAsync<StartJobRequest>(request);
        var name = body?.Name;
        if (error is not null || string.IsNullOrWhiteSpace(name))
        {
            return error ?? BadRequest("Send {\"name\": \"<job>\", \"force\": false}.");
        }
        var cancel = request.HttpContext.RequestAborted;
        if (JobNames.QueueFor(name) is { } queue)
        {
            return await ForwardAsync(immich, HttpMethod.Put, $"api/jobs/{queue}", Json(new { command = "start", force = body!.Force ?? false }), cancel);
        }
        if (JobNames.ManualJobs.Contains(name))
        {
            return await ForwardAsync(immich, HttpMethod.Post, $"api/jobs{QueryWithout(request)}", BodyAsSent(bytes!, request), cancel);
        }
        return BadRequest($"Unknown job '{name}'. Use one of: {string.Join(", ", JobNames.ReferenceToQueue.Keys)}, a queue name, or an Immich manual job.");
    }

    /// <summary>
    /// "Cancel a job": Immich cannot address single jobs, so the job name's queue has its waiting jobs emptied
    /// (DELETE /api/queues/{queue}/jobs with a <c>{}</c> body — Immich answers 400 without one).
    /// </summary>
    public static Task<IResult> CancelAsync(string name, HttpContext context, ImmichClient immich) =>
        JobNames.QueueFor(name) is { } queue
            ? ForwardAsync(immich, HttpMethod.Delete, $"api/queues/{queue}/jobs", Json(new { }), context.RequestAborted)
            : Task.FromResult(BadRequest($"Unknown job '{name}'. Use one of: {string.Join(", ", JobNames.ReferenceToQueue.Keys)} or a queue name."));
}
