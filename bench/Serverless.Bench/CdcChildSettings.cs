using Serverless.Delta.Merge;

namespace Serverless.Bench;

/// <summary>
/// What one child process of the `cdc` benchmark does (<see cref="Mode"/>) and where: the change log, the capture's
/// state folder and the lake, the binlog position capture starts from, and how many changes of the table to wait for.
/// </summary>
/// <param name="Mode"><c>capture</c> (binlog to the log only), <c>writer</c> (log to the lake only), <c>pipeline</c> (both at once) or <c>stream</c> (both, until told to stop).</param>
/// <param name="MaxBufferedChanges">The writer's commit bound by count (null: the default commit policy).</param>
/// <param name="CommitByCountOnly">The writer commits by count alone (a replay of a live run's batches), not after 500 ms.</param>
public sealed record CdcChildSettings(
    string Mode,
    string LogDirectory,
    string StateDirectory,
    string LakeRoot,
    string? StartFile,
    long StartOffset,
    long ExpectedChanges,
    uint ReplicaServerId,
    MergeMode? WriteMode = null,
    int? MaxBufferedChanges = null,
    bool CommitByCountOnly = false);
