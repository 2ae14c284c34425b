using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Serverless.Cdc.Writer;
using Serverless.Durable.Runtime;
using Serverless.Orchestrations.Jobs;

namespace Serverless.Orchestrations.Streaming;

/// <summary>
/// Runs one partition's writer for one segment: opens the partition where the lake tables' txn versions say it stopped,
/// applies changes by the commit policy (holding a table's changes until its snapshot is marked complete), and when the
/// segment's time is up commits what it buffered. A host stop does the same; its result is dropped.
/// </summary>
public sealed class WriterSegmentActivity(JobEnvironment job, ChangeLogHost changeLog, StreamMonitor monitor, ILogger<WriterSegmentActivity> logger)
    : TaskActivity<WriterSegmentInput, WriterSegmentResult>
{
    public override async Task<WriterSegmentResult> RunAsync(TaskActivityContext context, WriterSegmentInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        job.EnsureJob(input.JobName);
        var stopping = context.GetCancellationToken();
        var discovered = await StreamTables.DiscoverAsync(job, "writer discover", logger, stopping).ConfigureAwait(false);
        var tables = await StreamTables.ForPartitionAsync(job, discovered, changeLog.Partitions, input.Partition, logger, stopping).ConfigureAwait(false);
        using var writer = new PartitionWriter(changeLog.Log, input.Partition, tables, SchemaChangeHandlers.For(job), new WriterOptions(), logger, snapshotRequests: StreamSnapshotRequests.For(job));
        monitor.WriterStarted(writer, tables);
        using var segment = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        segment.CancelAfter(TimeSpan.FromSeconds(input.SegmentSeconds));
        try
        {
            // Returns when the segment ends or the host stops, after committing what it buffered.
            await writer.RunAsync(segment.Token).ConfigureAwait(false);
        }
        finally
        {
            monitor.WriterEnded(writer);
        }

        var metrics = writer.Metrics.Read();
        return new WriterSegmentResult(metrics.ChangesRead, metrics.Commits, writer.NextSequence, writer.StoppedTables.Keys.Order(StringComparer.Ordinal).ToList());
    }
}
