using Serverless.Delta.Log;

namespace Serverless.Delta.Transactions;

/// <summary>How a commit ended.</summary>
public enum CommitOutcome
{
    /// <summary>A new version was written.</summary>
    Committed,

    /// <summary>The transaction's (appId, version) was already in the table: nothing was written (exactly-once replay).</summary>
    AlreadyCommitted,
}

/// <summary>The result of <see cref="DeltaTransaction.CommitAsync"/>.</summary>
/// <param name="Outcome">Committed or skipped as a replay.</param>
/// <param name="Version">The version written, or the table version seen when skipped.</param>
/// <param name="Snapshot">The table right after this commit (or as seen when skipped).</param>
/// <param name="Retries">Lost races that were rebased or redone before the commit landed.</param>
/// <param name="CheckpointWritten">Whether post-commit wrote a checkpoint at this version.</param>
/// <param name="StageTimings">Milliseconds spent in each named pipeline stage.</param>
public sealed record CommitResult(
    CommitOutcome Outcome,
    long Version,
    Snapshot Snapshot,
    int Retries,
    bool CheckpointWritten,
    IReadOnlyDictionary<string, double> StageTimings);
