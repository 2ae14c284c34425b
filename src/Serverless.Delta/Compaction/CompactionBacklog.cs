namespace Serverless.Delta.Compaction;

/// <summary>What a table holds that compaction would improve, at one version.</summary>
/// <param name="Version">The table version measured.</param>
/// <param name="LiveFiles">Live data files.</param>
/// <param name="LiveBytes">Their total size.</param>
/// <param name="SmallFiles">Live files below the small-file threshold.</param>
/// <param name="SmallFileBytes">Their total size.</param>
/// <param name="DeletionVectorHeavyFiles">Live files whose deleted-row ratio reaches the threshold.</param>
/// <param name="DeletedRows">Rows hidden by deletion vectors across all live files.</param>
/// <param name="PlannedFiles">Files a run would rewrite now (small files in bins big enough, DV-heavy files).</param>
/// <param name="PlannedBytes">Their total size.</param>
public sealed record CompactionBacklog(
    long Version,
    int LiveFiles,
    long LiveBytes,
    int SmallFiles,
    long SmallFileBytes,
    int DeletionVectorHeavyFiles,
    long DeletedRows,
    int PlannedFiles,
    long PlannedBytes);
