using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Delta.Actions;
using Serverless.Delta.Log;
using Serverless.Delta.Maintenance;
using Serverless.Delta.Transactions;
using Serverless.Parquet;

namespace Serverless.Delta.Compaction;

/// <summary>
/// Compaction off the write path, one call per table (<see cref="CompactAsync"/>): bin-packs small files toward the
/// target size and rewrites files with many deleted rows (purging their deletion vectors), committed as an OPTIMIZE
/// with dataChange=false on every add and remove; then writes a checkpoint when the newest one is an interval behind
/// and cleans expired log files.
/// <para>
/// It never loses a writer's commit. The commit is staged on the latest snapshot the compactor knows: an input a
/// merge-on-read writer gave more deleted rows since the rewrite is removed as it is now, and those rows are carried
/// to the output's deletion vector (<see cref="ConcurrentDeletes"/>); a bin with an input that was removed or rewritten
/// is abandoned, its never-committed output deleted, and the run re-plans. A writer committing after that snapshot
/// makes the commit pipeline's conflict check fail the commit with a typed conflict
/// (<see cref="ConflictKind.ConcurrentDeleteDelete"/> when it removed or re-DV'd an input, delta-rs' and Delta's rule
/// for two transactions removing one file), and the compactor stages again on the refreshed snapshot. A concurrent
/// append never conflicts: the compactor reads no predicate, and its own adds are dataChange=false, which writers'
/// conflict checks do not count as appends.
/// </para>
/// </summary>
public sealed partial class TableCompactor
{
    private readonly CompactionOptions options;
    private readonly ParquetWriterOptions? writerOptions;
    private readonly ILogger logger;
    private readonly TimeProvider time;

    public TableCompactor(CompactionOptions? options = null, ILogger? logger = null, TimeProvider? timeProvider = null, ParquetWriterOptions? writerOptions = null)
    {
        this.options = options ?? CompactionOptions.Default;
        this.options.Validate();
        this.logger = logger ?? NullLogger.Instance;
        time = timeProvider ?? TimeProvider.System;
        this.writerOptions = writerOptions;
    }

    public CompactionOptions Options => options;

    /// <summary>Compacts <paramref name="table"/> to its latest version, then checkpoints and cleans its log as due.</summary>
    public async Task<CompactionResult> CompactAsync(DeltaTable table, IProgress<CompactionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        var start = await table.RefreshAsync(cancellationToken).ConfigureAwait(false);
        TableFeatures.EnsureWritable(start.Protocol, start.Describe());
        var plan = CompactionPlanner.Plan(start, options);
        var queue = new Queue<CompactionBin>(plan.Bins);
        var binsPlanned = plan.Bins.Count;
        var tally = new Tally();
        var stopped = false;
        var replans = 0;
        while (queue.Count > 0)
        {
            var prepared = await RewriteAsync(table.Snapshot, TakeStep(queue), cancellationToken).ConfigureAwait(false);
            var commit = await CommitAsync(table, prepared, cancellationToken).ConfigureAwait(false);
            tally.Add(commit);
            if (commit.Version is { } version)
            {
                progress?.Report(new CompactionProgress(version, tally.BinsDone, binsPlanned, tally.BytesRead, tally.BytesWritten));
            }

            if (commit.Abandoned.Count == 0)
            {
                continue;
            }

            if (++replans > options.MaxConflictRetries || tally.Conflicts.Count > options.MaxConflictRetries)
            {
                // Writers keep rewriting what this run plans: the rest waits for the next run rather than looping here.
                stopped = true;
                LogStoppedOnConflicts(start.Describe(), tally.Conflicts.Count, replans);
                break;
            }

            // The touched files come back in the new plan with their new deletion vectors (or not at all when removed).
            var replanned = CompactionPlanner.Plan(await table.RefreshAsync(cancellationToken).ConfigureAwait(false), options);
            queue = new Queue<CompactionBin>(replanned.Bins);
            binsPlanned = tally.BinsDone + replanned.Bins.Count;
            LogReplanned(start.Describe(), replanned.Version, replanned.Bins.Count);
        }

        var (checkpoint, logDeleted) = await MaintainLogAsync(table, cancellationToken).ConfigureAwait(false);
        var after = CompactionPlanner.MeasureBacklog(table.Snapshot, options);
        LogRun(start.Describe(), plan.Backlog.LiveFiles, plan.Backlog.LiveBytes, after.LiveFiles, after.LiveBytes, tally.Commits, tally.Conflicts.Count);
        return new CompactionResult(
            plan.Backlog,
            after,
            tally.FilesRemoved,
            tally.FilesAdded,
            tally.BytesRead,
            tally.BytesWritten,
            tally.RowsWritten,
            tally.RowsPurged,
            tally.DeletionVectorsPurged,
            tally.Commits,
            tally.Conflicts,
            tally.LostRaces,
            tally.BinsAbandoned,
            tally.RowsCarried,
            stopped,
            checkpoint,
            logDeleted);
    }

    /// <summary>
    /// Plans at the table's latest version and rewrites the first commit's worth of bins (up to
    /// <see cref="CompactionOptions.MaxBytesPerCommit"/>) without committing; <see cref="CommitAsync"/> commits them.
    /// </summary>
    public async Task<PreparedCompaction> PrepareAsync(DeltaTable table, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        var snapshot = await table.RefreshAsync(cancellationToken).ConfigureAwait(false);
        TableFeatures.EnsureWritable(snapshot.Protocol, snapshot.Describe());
        var queue = new Queue<CompactionBin>(CompactionPlanner.Plan(snapshot, options).Bins);
        return await RewriteAsync(snapshot, TakeStep(queue), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Commits prepared bins as one OPTIMIZE version, staged on the table's latest known snapshot. Rows a writer deleted
    /// from an input since the rewrite are carried to the output's deletion vector; a bin with an input that was removed
    /// or rewritten is abandoned and its output deleted. A typed conflict (a writer committed in between) re-stages the
    /// same way on the refreshed snapshot. Appends by writers meanwhile do not conflict.
    /// </summary>
    public async Task<CompactionCommit> CommitAsync(DeltaTable table, PreparedCompaction prepared, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(prepared);
        var pending = prepared.Bins.ToList();
        var abandoned = new List<RewrittenBin>();
        var conflicts = new List<ConflictKind>();
        while (true)
        {
            var current = table.Snapshot;
            var sameLayout = SameDataLayout(prepared.Snapshot, current);
            var staged = new List<StagedBin>(pending.Count);
            var stale = new List<RewrittenBin>();
            foreach (var bin in pending)
            {
                var carried = sameLayout ? await ConcurrentDeletes.CarryAsync(table.Location, bin, current, cancellationToken).ConfigureAwait(false) : null;
                if (carried is null)
                {
                    stale.Add(bin);
                }
                else
                {
                    staged.Add(carried);
                }
            }

            if (stale.Count > 0)
            {
                await AbandonAsync(table, stale, cancellationToken).ConfigureAwait(false);
                abandoned.AddRange(stale);
                pending.RemoveAll(stale.Contains);
            }

            if (pending.Count == 0)
            {
                return new CompactionCommit(null, [], abandoned, conflicts, 0, 0);
            }

            var tx = Stage(table, pending, staged);
            try
            {
                var result = await table.CommitAsync(tx, cancellationToken).ConfigureAwait(false);
                var rowsCarried = staged.Sum(b => b.RowsCarried);
                LogCommitted(current.Describe(), result.Version, pending.Count, pending.Sum(b => b.Bin.Files.Count), pending.Count(b => b.Output is not null), rowsCarried);
                return new CompactionCommit(result.Version, pending, abandoned, conflicts, result.Retries, rowsCarried);
            }
            catch (CommitConflictException e)
            {
                // A writer committed in between: stage again on the refreshed snapshot (carrying its deletes, or dropping what it rewrote).
                conflicts.Add(e.Kind);
                LogConflict(current.Describe(), e.Kind, e.WinningVersion);
                await table.RefreshAsync(cancellationToken).ConfigureAwait(false);
                if (conflicts.Count > options.MaxConflictRetries)
                {
                    await AbandonAsync(table, pending, cancellationToken).ConfigureAwait(false);
                    abandoned.AddRange(pending);
                    return new CompactionCommit(null, [], abandoned, conflicts, 0, 0);
                }
            }
        }
    }

    private List<CompactionBin> TakeStep(Queue<CompactionBin> queue)
    {
        var step = new List<CompactionBin>();
        long bytes = 0;
        while (queue.Count > 0 && (step.Count == 0 || bytes + queue.Peek().Bytes <= options.MaxBytesPerCommit))
        {
            var bin = queue.Dequeue();
            step.Add(bin);
            bytes += bin.Bytes;
        }

        return step;
    }

    private async Task<PreparedCompaction> RewriteAsync(Snapshot snapshot, List<CompactionBin> bins, CancellationToken cancellationToken)
    {
        var rewritten = new List<RewrittenBin>(bins.Count);
        foreach (var bin in bins)
        {
            // A bin planned at an older version whose inputs changed since would conflict anyway: skip the rewrite.
            if (AllInputsLive(bin, snapshot))
            {
                rewritten.Add(await BinRewriter.RewriteAsync(snapshot, bin, writerOptions, cancellationToken).ConfigureAwait(false));
            }
        }

        return new PreparedCompaction(snapshot, rewritten);
    }

    private DeltaTransaction Stage(DeltaTable table, List<RewrittenBin> bins, List<StagedBin> staged)
    {
        var tx = table.BeginTransaction("OPTIMIZE").WithOperation("OPTIMIZE", new Dictionary<string, string>
        {
            ["predicate"] = "[]",
            ["targetSize"] = options.TargetFileSize.ToString(CultureInfo.InvariantCulture),
            ["auto"] = "false",
        });
        long removedBytes = 0, addedBytes = 0, purgedRows = 0;
        var dvsRemoved = 0;
        for (var b = 0; b < bins.Count; b++)
        {
            foreach (var file in staged[b].Inputs)
            {
                tx.Remove(file, dataChange: false);
                removedBytes += file.Size;
                dvsRemoved += file.DeletionVector is null ? 0 : 1;
            }

            purgedRows += bins[b].Bin.DeletedRows;
            if (staged[b].Output is { } output)
            {
                tx.Add(output);
                addedBytes += output.Size;
            }
        }

        return tx.SetMetric("numRemovedBytes", removedBytes)
            .SetMetric("numAddedBytes", addedBytes)
            .SetMetric("numDeletionVectorsRemoved", dvsRemoved)
            .SetMetric("numPurgedRows", purgedRows);
    }

    /// <summary>True when every input is live in <paramref name="snapshot"/> exactly as planned: same path and same deletion vector.</summary>
    private static bool AllInputsLive(CompactionBin bin, Snapshot snapshot)
    {
        foreach (var file in bin.Files)
        {
            var live = snapshot.FindFile(DeltaPath.Decode(file.Path));
            if (live is null || live.Key != file.Key)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Outputs stay valid while the schema and partitioning they were written with hold.</summary>
    private static bool SameDataLayout(Snapshot written, Snapshot current) =>
        ReferenceEquals(written.Metadata, current.Metadata)
        || (written.Metadata.SchemaString == current.Metadata.SchemaString && written.Metadata.PartitionColumns.SequenceEqual(current.Metadata.PartitionColumns, StringComparer.Ordinal));

    /// <summary>Deletes outputs no commit references (the abandoned attempt never reached the log, so no reader can need them).</summary>
    private static async Task AbandonAsync(DeltaTable table, IEnumerable<RewrittenBin> bins, CancellationToken cancellationToken)
    {
        foreach (var bin in bins)
        {
            if (bin.Output is not null)
            {
                await table.Location.Store.DeleteAsync(table.Location.ResolveActionPath(bin.Output.Path), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<(long? Checkpoint, int LogFilesDeleted)> MaintainLogAsync(DeltaTable table, CancellationToken cancellationToken)
    {
        var snapshot = await table.RefreshAsync(cancellationToken).ConfigureAwait(false);
        long? written = null;
        var interval = options.CheckpointInterval ?? TableProperties.CheckpointIntervalOf(snapshot);
        if (interval > 0)
        {
            var last = await table.Log.ReadLastCheckpointAsync(cancellationToken).ConfigureAwait(false);
            if (snapshot.Version - (last?.Version ?? 0) >= interval)
            {
                written = (await TableMaintenance.CheckpointAsync(table.Log, snapshot, cancellationToken).ConfigureAwait(false)).Version;
                LogCheckpoint(snapshot.Describe(), snapshot.Version);
            }
        }

        var deleted = 0;
        if (options.CleanUpLog && TableProperties.ExpiredLogCleanupEnabled(snapshot))
        {
            var retention = options.LogRetention ?? TableProperties.LogRetentionOf(snapshot);
            deleted = (await TableMaintenance.CleanUpLogAsync(table.Log, retention, time.GetUtcNow(), cancellationToken).ConfigureAwait(false)).DeletedPaths.Count;
            if (deleted > 0)
            {
                LogCleanedUp(snapshot.Describe(), deleted, retention);
            }
        }

        return (written, deleted);
    }

    /// <summary>Sums over a run's commits.</summary>
    private sealed class Tally
    {
        public List<ConflictKind> Conflicts { get; } = [];

        public int BinsDone { get; private set; }

        public int Commits { get; private set; }

        public int FilesRemoved { get; private set; }

        public int FilesAdded { get; private set; }

        public long BytesRead { get; private set; }

        public long BytesWritten { get; private set; }

        public long RowsWritten { get; private set; }

        public long RowsPurged { get; private set; }

        public int DeletionVectorsPurged { get; private set; }

        public int LostRaces { get; private set; }

        public int BinsAbandoned { get; private set; }

        public long RowsCarried { get; private set; }

        public void Add(CompactionCommit commit)
        {
            Conflicts.AddRange(commit.Conflicts);
            RowsCarried += commit.RowsCarried;
            LostRaces += commit.LostRaces;
            BinsAbandoned += commit.Abandoned.Count;
            if (commit.Version is null)
            {
                return;
            }

            Commits++;
            foreach (var bin in commit.Committed)
            {
                BinsDone++;
                FilesRemoved += bin.Bin.Files.Count;
                BytesRead += bin.Bin.Bytes;
                RowsPurged += bin.Bin.DeletedRows;
                DeletionVectorsPurged += bin.Bin.Files.Count(f => f.DeletionVector is not null);
                RowsWritten += bin.RowsWritten;
                if (bin.Output is not null)
                {
                    FilesAdded++;
                    BytesWritten += bin.Output.Size;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Compaction of {Table} committed version {Version}: {Bins} bins, {FilesRemoved} files rewritten into {FilesAdded}, {RowsCarried} rows deleted meanwhile carried to deletion vectors")]
    private partial void LogCommitted(string table, long version, int bins, int filesRemoved, int filesAdded, long rowsCarried);

    [LoggerMessage(Level = LogLevel.Information, Message = "Compaction of {Table} met conflict {Kind} with writer version {WinningVersion}; staging again on the new snapshot")]
    private partial void LogConflict(string table, ConflictKind kind, long winningVersion);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Compaction of {Table} re-planned at version {Version}: {Bins} bins")]
    private partial void LogReplanned(string table, long version, int bins);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Compaction of {Table} stopped after {Conflicts} conflicts and {Replans} re-plans caused by writers; the rest waits for the next run")]
    private partial void LogStoppedOnConflicts(string table, int conflicts, int replans);

    [LoggerMessage(Level = LogLevel.Information, Message = "Checkpointed {Table} at version {Version}")]
    private partial void LogCheckpoint(string table, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} expired log files of {Table} (retention {Retention})")]
    private partial void LogCleanedUp(string table, int count, TimeSpan retention);

    [LoggerMessage(Level = LogLevel.Information, Message = "Compaction run of {Table}: {FilesBefore} files ({BytesBefore} bytes) before, {FilesAfter} files ({BytesAfter} bytes) after, {Commits} commits, {Conflicts} conflicts")]
    private partial void LogRun(string table, int filesBefore, long bytesBefore, int filesAfter, long bytesAfter, int commits, int conflicts);
}
