using Serverless.Delta.Transactions;

namespace Serverless.Delta.Merge;

/// <summary>What one merge did.</summary>
/// <param name="Commit">The commit (or the replay skip) that ended the merge.</param>
/// <param name="RowsWritten">Winning row versions written (upserts that beat the live row, or had none).</param>
/// <param name="RowsDeleted">Live rows retired (superseded by an upsert or removed by a delete).</param>
/// <param name="ChangesDropped">Changes older than the live version or a tombstone, so not applied.</param>
/// <param name="FilesTouched">Existing files that got a deletion vector or were rewritten.</param>
/// <param name="Tombstones">Tombstones the table holds after the merge.</param>
public sealed record MergeResult(CommitResult Commit, long RowsWritten, long RowsDeleted, long ChangesDropped, int FilesTouched, int Tombstones)
{
    /// <summary>Time spent writing the merge's Parquet data and deletion-vector files (the last attempt's), in milliseconds.</summary>
    public double DataFileMilliseconds { get; init; }
}
