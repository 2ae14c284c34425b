using System.Runtime.ExceptionServices;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Snapshot;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.Jobs;
using Serverless.Orchestrations.Lake;

namespace Serverless.Orchestrations.StartJob;

/// <summary>
/// Starts a job: Preflight → P0 and discover tables (side by side) → per table MigrateTable and PlanChunks (side by side in
/// instances started with <see cref="StartJobInput.PlanWhileMigrating"/>, else one after the other; a few tables at a time),
/// and as each table is planned its chunks join one ReadChunk queue shared round-robin by all planned tables under the
/// parallelism bound; each table's finished chunks are committed in groups (CommitChunks, in sequence order per table)
/// as they complete → CompleteTableSnapshot per table. Tables an earlier run completed are skipped.
/// The custom status carries per-table progress. Preflight problems end the orchestration with every problem listed.
/// </summary>
public sealed class StartJobOrchestrator : TaskOrchestrator<StartJobInput, StartJobResult>
{
    public const string Name = "StartJob";

    private static readonly TaskOptions SourceRetry = ActivityRetry.Source;
    private static readonly TaskOptions LakeRetry = ActivityRetry.Lake;
    private static readonly TaskOptions ReadRetry = ActivityRetry.Read;

    public override async Task<StartJobResult> RunAsync(TaskOrchestrationContext context, StartJobInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(input.Parallelism, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(input.ChunkRows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(input.ChunksPerCommit, 1);
        var log = context.CreateReplaySafeLogger<StartJobOrchestrator>();
        var job = input.JobName;
        var runs = new List<TableSnapshotRun>();   // in table order, as tables are prepared
        StartPosition? startPosition = null;
        int? tablesDiscovered = null;

        void Publish(JobPhase current) => context.SetCustomStatus(new SnapshotStatus
        {
            Phase = current,
            StartPosition = startPosition,
            Tables = runs.Select(r => r.Status).ToList(),
            TablesDiscovered = tablesDiscovered,
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

        // P0 and the table list do not depend on each other; only the chunk reads must come after P0.
        var recording = context.CallActivityAsync<StartPosition>(ActivityNames.RecordStartPosition, job, SourceRetry);
        var discovering = context.CallActivityAsync<List<SourceTable>>(ActivityNames.DiscoverTables, job, SourceRetry);
        startPosition = await recording;
        var tables = await discovering;
        tablesDiscovered = tables.Count;

        // One pipeline instead of phases: a table's chunks start reading as soon as that table is migrated and planned,
        // while later tables are still being prepared (50 small tables spent a fifth of the job in migrate-all, plan-all).
        // Deterministic: work starts only in response to history delivering a completion, in a fixed order.
        var preparing = new List<Task<TableSnapshotRun>>();
        var reading = new List<(Task<ChunkReadResult> Task, TableSnapshotRun Run, SnapshotChunk Chunk)>();
        var readQueue = new ChunkRoundRobin();
        var nextTable = 0;
        var prepareBound = Math.Max(2, input.Parallelism);
        ExceptionDispatchInfo? failure = null;
        var phase = JobPhase.Migrating;

        // Ends when no work is in flight and none can start: every table and chunk is scheduled once, so the history of
        // one run is bounded by the job's size (no continue-as-new needed).
        for (StartMoreWork(); preparing.Count + reading.Count > 0; StartMoreWork())
        {
            var done = await Task.WhenAny(preparing.Cast<Task>().Concat(reading.Select(x => x.Task)));
            var prepared = preparing.FindIndex(x => x == done);
            if (prepared >= 0)
            {
                var task = preparing[prepared];
                preparing.RemoveAt(prepared);
                try
                {
                    var run = await task;
                    var at = runs.FindIndex(r => r.TableIndex > run.TableIndex);
                    runs.Insert(at < 0 ? runs.Count : at, run);
                    readQueue.Add(run);
                    phase = phase == JobPhase.Migrating ? JobPhase.Planning : phase;
                    Publish(phase);
                }
#pragma warning disable CA1031 // Kept and rethrown once the work in flight has finished.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    failure ??= ExceptionDispatchInfo.Capture(e);
                }

                continue;
            }

            var finished = reading.FindIndex(x => x.Task == done);
            var item = reading[finished];
            reading.RemoveAt(finished);
            try
            {
                var result = await item.Task;
                item.Run.OnRead(item.Chunk.Index, result);
                ScheduleReadyCommits(item.Run);
                Publish(phase);
            }
#pragma warning disable CA1031 // Kept and rethrown once the work in flight has finished.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failure ??= ExceptionDispatchInfo.Capture(e);
            }
        }

        // Commits already scheduled finish (or fail) before the orchestration ends either way.
        foreach (var run in runs)
        {
            if (run.Chunks.Count > 0)
            {
                await Task.WhenAll(run.Chain);
            }
        }

        failure?.Throw();
        Publish(JobPhase.Completed);
        log.LogInformation(
            "Job {Job}: snapshot complete, {Rows} rows in {Tables} table(s), {Chunks} chunks read {Parallel} at a time from {Position}; {Skipped} table(s) complete from an earlier run",
            job, runs.Sum(r => r.Status.RowsCommitted), runs.Count, runs.Sum(r => r.Chunks.Count), input.Parallelism, startPosition, runs.Count(r => r.Status.CompletedEarlier));
        return new StartJobResult
        {
            Outcome = StartJobOutcome.Completed,
            StartPosition = startPosition,
            Tables = runs.Select(r => r.Status).ToList(),
        };

        void StartMoreWork()
        {
            while (failure is null && preparing.Count < prepareBound && nextTable < tables.Count)
            {
                preparing.Add(PrepareTableAsync(nextTable));
                nextTable++;
            }

            while (failure is null && reading.Count < input.Parallelism && readQueue.TryTake(out var next))
            {
                var read = new ReadChunkInput(job, next.Run.Table, next.Run.LakeTable, next.Chunk, preflight.PositionMethod);
                reading.Add((context.CallActivityAsync<ChunkReadResult>(ActivityNames.ReadChunk, read, ReadRetry), next.Run, next.Chunk));
                if (phase != JobPhase.Snapshotting)
                {
                    // Said when the first reads start, not when the first one ends (a chunk takes a second to read).
                    phase = JobPhase.Snapshotting;
                    Publish(phase);
                }
            }
        }

        async Task<TableSnapshotRun> PrepareTableAsync(int tableIndex)
        {
            var table = tables[tableIndex];
            var migrating = context.CallActivityAsync<TableMigration>(ActivityNames.MigrateTable, new MigrateTableInput(job, table), LakeRetry);
            var planning = input.PlanWhileMigrating ? PlanAsync(table) : null;
            var migration = await migrating;
            if (migration.SnapshotComplete)
            {
                // Complete in an earlier run: a plan made beside the migration is not needed, nor is its outcome.
                await IgnoreOutcomeAsync(planning);
                return new TableSnapshotRun(table, tableIndex, migration, [], input.ChunksPerCommit);
            }

            return new TableSnapshotRun(table, tableIndex, migration, await (planning ?? PlanAsync(table)), input.ChunksPerCommit);
        }

        Task<List<SnapshotChunk>> PlanAsync(SourceTable table) =>
            context.CallActivityAsync<List<SnapshotChunk>>(ActivityNames.PlanChunks, new PlanChunksInput(job, table, input.ChunkRows, input.ChunkBytes), SourceRetry);

        static async Task IgnoreOutcomeAsync(Task? task)
        {
            if (task is null)
            {
                return;
            }

            try
            {
                await task;
            }
#pragma warning disable CA1031 // The table needs no plan; why planning failed does not matter.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

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
            Publish(phase);
        }

        async Task CompleteAfterAsync(Task previous, TableSnapshotRun run)
        {
            await previous;
            await context.CallActivityAsync<bool>(ActivityNames.CompleteTableSnapshot, new CompleteTableSnapshotInput(job, run.FinalState(context.CurrentUtcDateTime)), LakeRetry);
            run.MarkComplete();
            log.LogInformation("Job {Job}: table {Table} snapshot complete ({Rows} rows)", job, run.Table.QualifiedName, run.Status.RowsCommitted);
            Publish(phase);
        }
    }
}
