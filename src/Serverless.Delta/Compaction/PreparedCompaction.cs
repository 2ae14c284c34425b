using Serverless.Delta.Log;

namespace Serverless.Delta.Compaction;

/// <summary>Bins rewritten against <see cref="Snapshot"/> and not committed yet (<see cref="TableCompactor.CommitAsync"/> commits them).</summary>
public sealed record PreparedCompaction(Snapshot Snapshot, IReadOnlyList<RewrittenBin> Bins);
