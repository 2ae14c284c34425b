using Serverless.MySql.Replication;
using Serverless.Orchestrations.Streaming;

namespace Serverless.Orchestrations.Hosting;

/// <summary>
/// Decides when a run started with <see cref="JobRunnerOptions.UntilCaughtUp"/> may stop: first capture's checkpoint must
/// reach <see cref="End"/> (the binlog's end when streaming began, so every change before it is published and acknowledged);
/// then the partitions' last sequences at that moment are the targets, and each writer must have read through its
/// target with nothing buffered and no table still waiting for its snapshot (a table a DDL stopped counts as done).
/// </summary>
internal sealed class CatchUpWatch(BinlogPosition end)
{
    private long[]? targets;

    public BinlogPosition End { get; } = end;

    public async Task<bool> IsCaughtUpAsync(StreamMonitor monitor, ChangeLogHost changeLog, CancellationToken cancellationToken)
    {
        if (targets is null)
        {
            if (monitor.CaptureProgress?.Checkpoint is not { Length: > 0 } checkpoint || ReplicationResumePoint.Parse(checkpoint).TransactionStart < End)
            {
                return false;
            }

            var published = new long[changeLog.Partitions];
            for (var p = 0; p < published.Length; p++)
            {
                published[p] = (await changeLog.Log.GetPartitionPropertiesAsync(p, cancellationToken).ConfigureAwait(false)).LastSequenceNumber;
            }

            targets = published;
        }

        for (var p = 0; p < targets.Length; p++)
        {
            if (monitor.WriterMetrics(p) is not { } writer || writer.LastSequenceRead < targets[p] || writer.BufferedChanges > 0 || writer.WaitingTables > 0)
            {
                return false;
            }
        }

        return true;
    }
}
