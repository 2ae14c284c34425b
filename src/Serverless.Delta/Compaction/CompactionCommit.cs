using Serverless.Delta.Transactions;

namespace Serverless.Delta.Compaction;

/// <summary>How the commit of prepared bins ended.</summary>
/// <param name="Version">The version that committed the surviving bins, or null when none survived.</param>
/// <param name="Committed">Bins in that commit.</param>
/// <param name="Abandoned">Bins dropped because a concurrent commit removed or rewrote one of their inputs (their outputs deleted).</param>
/// <param name="Conflicts">The typed conflicts met on the way, oldest first.</param>
/// <param name="LostRaces">Lost races the commit pipeline rebased without a conflict (e.g. past a concurrent append).</param>
/// <param name="RowsCarried">Rows writers deleted from the inputs after the rewrite, committed as deletion vectors of the outputs.</param>
public sealed record CompactionCommit(long? Version, IReadOnlyList<RewrittenBin> Committed, IReadOnlyList<RewrittenBin> Abandoned, IReadOnlyList<ConflictKind> Conflicts, int LostRaces, long RowsCarried);
