using Microsoft.Extensions.Logging;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Snapshot;
using Serverless.Durable.Sdk;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.Jobs;
using Serverless.Orchestrations.Lake;

namespace Serverless.Orchestrations.StartJob;

/// <summary>
/// Starts a job: Preflight → P0 → discover tables → MigrateTable per table → PlanChunks per table → ReadChunk for all
/// chunks of all tables under one bound, each table's finished chunks committed in groups (CommitChunks, in sequence
/// order per table) as they complete → CompleteTableSnapshot per table. Tables an earlier run completed are skipped.
/// The custom status carries per-table progress. Preflight problems end the orchestration with every problem listed.
/// </summary>
public sealed class StartJobOrchestrator(ILogger<StartJobOrchestrator> logger) : TaskOrchestrator<StartJobInput, StartJobResult>
{
    public const string Name = "StartJob";

    private static readonly TaskOptions SourceRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromSeconds(2), backoffCoefficient: 2));
    private static readonly TaskOptions LakeRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(20)));
    // A position method the reader does not implement, or a chunk that does not fit its table, fails the same way every time.
    private static readonly TaskOptions ReadRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(2), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(30))
    {
        Handle = failure => !failure.IsCausedBy<NotSupportedException>() && !failure.IsCausedBy<ArgumentException>(),
    });

    public override async Task<StartJobResult> RunAsync(TaskOrchestrationContext context, StartJobInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(input.Parallelism, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(input.ChunkRows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(input.ChunksPerCommit, 1);
        var log = context.CreateReplaySafeLogger(logger);
        var job = input.JobName;
        var runs = new List<TableSnapshotRun>();
        StartPosition? startPosition = null;

        void Publish(JobPhase phase) => context.SetCustomStatus(new SnapshotStatus
        {
            Phase = phase,
            StartPosition = startPosition,
            Tables = runs.Select(r => r.Status).ToList(),
        });

        Publish(JobPhase.Preflight);
        var preflight = await context.CallActivityAsync<PreflightOutcome>(ActivityNames.Preflight, job, SourceRetry);
        if (!preflight.IsOk)
        {
            log.LogWarning("Job {Job}: preflight found {Problems} problem(s); nothing was changed", job, preflight.Problems.Count);
            Publish(JobPhase.PreflightFailed);
            return new StartJobResult { Outcome = StartJobOutcome.PreflightFailed, Problems = preflight.Problems };
        }

        Publish(JobPhase.Migrating);
        startPosition = await context.CallActivityAsync<StartPosition>(ActivityNames.RecordStartPosition, job, SourceRetry);
        var tables = await context.CallActivityAsync<List<SourceTable>>(ActivityNames.DiscoverTables, job, SourceRetry);
        var migrations = await context.RunBoundedAsync(tables, input.Parallelism, (table, _) =>
            context.CallActivityAsync<TableMigration>(ActivityNames.MigrateTable, new MigrateTableInput(job, table), LakeRetry));

        Publish(JobPhase.Planning);
        var pending = Enumerable.Range(0, tables.Count).Where(i => !migrations[i].SnapshotComplete).ToList();
        var plans = await context.RunBoundedAsync(pending, input.Parallelism, (i, _) =>
            context.CallActivityAsync<List<SnapshotChunk>>(ActivityNames.PlanChunks, new PlanChunksInput(job, tables[i], input.ChunkRows), SourceRetry));
        for (var i = 0; i < tables.Count; i++)
        {
            var planIndex = pending.IndexOf(i);
            runs.Add(new TableSnapshotRun(tables[i], migrations[i], planIndex < 0 ? [] : plans[planIndex], input.ChunksPerCommit));
        }

        log.LogInformation(
            "Job {Job}: snapshotting {Tables} table(s) in {Chunks} chunks, {Parallel} at a time, from {Position}; {Skipped} table(s) complete from an earlier run",
            job, pending.Count, runs.Sum(r => r.Chunks.Count), input.Parallelism, startPosition, tables.Count - pending.Count);
        Publish(JobPhase.Snapshotting);

        // Round-robin over tables so that every table makes progress and small tables finish early.
        var work = new List<(TableSnapshotRun Run, SnapshotChunk Chunk)>();
        for (var index = 0; work.Count < runs.Sum(r => r.Chunks.Count); index++)
        {
            foreach (var run in runs)
            {
                if (index < run.Chunks.Count)
                {
                    work.Add((run, run.Chunks[index]));
                }
            }
        }

        try
        {
            await context.RunBoundedAsync(work, input.Parallelism, async (item, _) =>
            {
                var read = new ReadChunkInput(job, item.Run.Table, item.Run.LakeTable, item.Chunk, preflight.PositionMethod);
                var result = await context.CallActivityAsync<ChunkReadResult>(ActivityNames.ReadChunk, read, ReadRetry);
                item.Run.OnRead(item.Chunk.Index, result);
                ScheduleReadyCommits(item.Run);
                Publish(JobPhase.Snapshotting);
                return result.Rows;
            });
        }
        finally
        {
            // Commits already scheduled finish (or fail) before the orchestration ends either way.
            foreach (var run in runs)
            {
                if (run.Chunks.Count > 0)
                {
                    await Task.WhenAll(run.Chain);
                }
            }
        }

        Publish(JobPhase.Completed);
        log.LogInformation("Job {Job}: snapshot complete, {Rows} rows in {Tables} table(s)", job, runs.Sum(r => r.Status.RowsCommitted), runs.Count);
        return new StartJobResult
        {
            Outcome = StartJobOutcome.Completed,
            StartPosition = startPosition,
            Tables = runs.Select(r => r.Status).ToList(),
        };

        void ScheduleReadyCommits(TableSnapshotRun run)
        {
            while (run.NextGroupIsRead())
            {
                var (group, commit) = run.TakeNextGroup(job);
                run.Chain = CommitAfterAsync(run.Chain, run, group, commit);
            }

            if (run.NextGroup == run.GroupCount && !run.CompletionScheduled)
            {
                run.CompletionScheduled = true;
                run.Chain = CompleteAfterAsync(run.Chain, run);
            }
        }

        async Task CommitAfterAsync(Task previous, TableSnapshotRun run, int group, CommitChunksInput commit)
        {
            await previous;
            var result = await context.CallActivityAsync<SnapshotCommitResult>(ActivityNames.CommitChunks, commit, LakeRetry);
            run.OnCommitted(group, commit, result);
            Publish(JobPhase.Snapshotting);
        }

        async Task CompleteAfterAsync(Task previous, TableSnapshotRun run)
        {
            await previous;
            await context.CallActivityAsync<bool>(ActivityNames.CompleteTableSnapshot, new CompleteTableSnapshotInput(job, run.FinalState(context.CurrentUtcDateTime)), LakeRetry);
            run.MarkComplete();
            log.LogInformation("Job {Job}: table {Table} snapshot complete ({Rows} rows)", job, run.Table.QualifiedName, run.Status.RowsCommitted);
            Publish(JobPhase.Snapshotting);
        }
    }
}
