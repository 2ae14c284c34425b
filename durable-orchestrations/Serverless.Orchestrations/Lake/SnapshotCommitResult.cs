namespace Serverless.Orchestrations.Lake;

/// <summary>The outcome of one snapshot commit (serializable).</summary>
/// <param name="Version">The table version written, or the version seen when the commit was already there.</param>
/// <param name="AlreadyCommitted">The sequence was committed before (a replay): nothing was written.</param>
/// <param name="FilesAdded">Files this commit added.</param>
/// <param name="FilesRemoved">Files of an abandoned earlier snapshot attempt this commit removed.</param>
/// <param name="Rows">Rows in the commit's files.</param>
public sealed record SnapshotCommitResult(long Version, bool AlreadyCommitted, int FilesAdded, int FilesRemoved, long Rows);
