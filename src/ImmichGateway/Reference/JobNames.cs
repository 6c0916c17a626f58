using System.Collections.Frozen;

namespace ImmichGateway.Reference;

/// <summary>The reference API's job names and the Immich v3 queues they start (API-NOTES e).</summary>
internal static class JobNames
{
    public static readonly FrozenDictionary<string, string> ReferenceToQueue = new Dictionary<string, string>
    {
        ["thumbnail-generation"] = "thumbnailGeneration",
        ["video-transcoding"] = "videoConversion",
        ["metadata-extraction"] = "metadataExtraction",
        ["face-detection"] = "faceDetection",
        ["search-indexing"] = "smartSearch",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Immich's queue names (QueueName in its OpenAPI document), accepted as they are.</summary>
    public static readonly FrozenSet<string> Queues = new[]
    {
        "thumbnailGeneration", "metadataExtraction", "videoConversion", "faceDetection", "facialRecognition", "smartSearch",
        "duplicateDetection", "backgroundTask", "storageTemplateMigration", "migration", "search", "sidecar", "library",
        "notifications", "backupDatabase", "ocr", "workflow", "integrityCheck", "editor",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Immich's manual jobs (ManualJobName), run by POST /api/jobs as they are.</summary>
    public static readonly FrozenSet<string> ManualJobs = new[]
    {
        "person-cleanup", "tag-cleanup", "user-cleanup", "memory-cleanup", "memory-create", "backup-database",
        "integrity-missing-files", "integrity-untracked-files", "integrity-checksum-mismatch",
        "integrity-missing-files-refresh", "integrity-untracked-files-refresh", "integrity-checksum-mismatch-refresh",
        "integrity-missing-files-delete-all", "integrity-untracked-files-delete-all", "integrity-checksum-mismatch-delete-all",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The queue a reference name or a queue name refers to, or null.</summary>
    public static string? QueueFor(string name) =>
        ReferenceToQueue.TryGetValue(name, out var queue) ? queue : Queues.Contains(name) ? name : null;
}
