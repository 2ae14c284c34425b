using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Serverless.Cdc.Writer;
using Serverless.Delta;
using Serverless.Delta.Compaction;
using Serverless.Durable.Runtime;
using Serverless.Orchestrations.Jobs;

namespace Serverless.Orchestrations.Streaming;

/// <summary>
/// One compaction round: every lake table of the job whose snapshot is complete is compacted once (bin-packing small
/// files, purging deletion-vector-heavy ones, checkpoint and log cleanup) on its own table instance, beside the writers.
/// Tables still being snapshotted are left to a later round.
/// </summary>
public sealed class CompactTablesActivity(JobEnvironment job, StreamMonitor monitor, ILogger<CompactTablesActivity> logger)
    : TaskActivity<string, CompactionRoundResult>
{
    public override async Task<CompactionRoundResult> RunAsync(TaskActivityContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        job.EnsureJob(input);
        var cancellationToken = context.GetCancellationToken();
        var compactor = new TableCompactor(logger: logger);
        int tables = 0, removed = 0, added = 0, commits = 0;
        foreach (var state in await job.State.ListTablesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (state.Phase != TablePhase.SnapshotComplete)
            {
                continue;
            }

            var table = await DeltaTable.OpenAsync(job.Tables.Location(state.LakeTable), logger: job.LoggerFactory.CreateLogger<DeltaTable>(), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!SnapshotCompletion.IsComplete(table.Snapshot))
            {
                continue;
            }

            var result = await compactor.CompactAsync(table, cancellationToken: cancellationToken).ConfigureAwait(false);
            monitor.Compacted(state.SourceTable, result);
            tables++;
            removed += result.FilesRemoved;
            added += result.FilesAdded;
            commits += result.Commits;
        }

        monitor.CompactionRoundEnded(DateTimeOffset.UtcNow);
        return new CompactionRoundResult(tables, removed, added, commits, string.Create(CultureInfo.InvariantCulture, $"{tables} table(s): {removed} file(s) rewritten into {added} in {commits} commit(s)"));
    }
}
