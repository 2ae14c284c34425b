using Serverless.Orchestrations.Lake;

namespace Serverless.Orchestrations.Activities;

/// <summary>
/// Input of CommitChunks: the files of several read chunks of one lake table, committed atomically as snapshot commit
/// <see cref="Sequence"/>; <see cref="ReplaceExisting"/> (first commit of a restarted table snapshot) removes the files
/// an abandoned earlier attempt committed.
/// </summary>
public sealed record CommitChunksInput(string JobName, string LakeTable, long Sequence, bool ReplaceExisting, IReadOnlyList<string> ChunkIds, IReadOnlyList<SnapshotFile> Files);
