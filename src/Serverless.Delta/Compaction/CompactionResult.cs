using Serverless.Delta.Transactions;

namespace Serverless.Delta.Compaction;

/// <summary>What one compaction run of a table did.</summary>
/// <param name="Before">The backlog at the version the run started from.</param>
/// <param name="After">The backlog at the version the run ended at (writers' commits meanwhile included).</param>
/// <param name="FilesRemoved">Input files the run's commits removed.</param>
/// <param name="FilesAdded">Files the run's commits added.</param>
/// <param name="BytesRead">Size of the removed inputs.</param>
/// <param name="BytesWritten">Size of the added files.</param>
/// <param name="RowsWritten">Rows copied into the added files.</param>
/// <param name="RowsPurged">Deleted rows dropped with their deletion vectors.</param>
/// <param name="DeletionVectorsPurged">Removed inputs that carried a deletion vector.</param>
/// <param name="Commits">Versions the run committed (rewrites; checkpoints and log cleanup are not commits).</param>
/// <param name="Conflicts">Typed conflicts with concurrent writers; each made the commit stage again on the new snapshot.</param>
/// <param name="LostRaces">Lost races rebased without a conflict.</param>
/// <param name="BinsAbandoned">Bins whose outputs were thrown away because a writer removed or rewrote an input.</param>
/// <param name="RowsCarried">Rows writers deleted from inputs during the run, carried to the outputs' deletion vectors.</param>
/// <param name="StoppedOnConflicts">True when <see cref="CompactionOptions.MaxConflictRetries"/> ran out and work is left for the next run.</param>
/// <param name="CheckpointVersion">The version checkpointed by this run, if any.</param>
/// <param name="LogFilesDeleted">Expired log files deleted.</param>
public sealed record CompactionResult(
    CompactionBacklog Before,
    CompactionBacklog After,
    int FilesRemoved,
    int FilesAdded,
    long BytesRead,
    long BytesWritten,
    long RowsWritten,
    long RowsPurged,
    int DeletionVectorsPurged,
    int Commits,
    IReadOnlyList<ConflictKind> Conflicts,
    int LostRaces,
    int BinsAbandoned,
    long RowsCarried,
    bool StoppedOnConflicts,
    long? CheckpointVersion,
    int LogFilesDeleted);
