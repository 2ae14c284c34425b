using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Cdc.Capture;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Schema.Evolution;
using Serverless.Cdc.Transport;
using Serverless.Delta.Merge;
using Serverless.Delta.Transactions;

namespace Serverless.Cdc.Writer;

/// <summary>
/// Applies one change-log partition to its lake tables, exactly once: reads the partition in sequence order, buffers each
/// table's changes as lake rows, and commits each table's batch with <see cref="MergeWriter"/> (the highest source
/// position wins) under <c>txn(appId = partition, version = last sequence read)</c>. A replayed batch is therefore a
/// no-op, and a restart reads each table's txn version and resumes at the lowest sequence some table still needs,
/// skipping per table what it has. A table's changes are held (left in the log) until its snapshot is marked complete
/// (<see cref="SnapshotCompletion"/>), then applied from its first one. DDL goes to the <see cref="ISchemaChangeHandler"/>
/// after the table's earlier rows are committed. After each commit round the log's retention hold moves to the lowest
/// sequence still needed. The host makes one call per partition: <see cref="RunAsync"/> (until cancelled) or
/// <see cref="DrainAsync"/> (what the log holds now). Not thread-safe: one caller at a time.
/// </summary>
public sealed partial class PartitionWriter : IDisposable
{
    private readonly IChangeLog log;
    private readonly ISchemaChangeHandler schemaChanges;
    private readonly WriterOptions options;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private readonly Dictionary<string, TableWriteState> tables = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Exception> stoppedUnwritten = new(StringComparer.OrdinalIgnoreCase);

    // Tables renamed into the job whose re-snapshot has not created their lake table yet: held from the request's sequence.
    private readonly Dictionary<string, SnapshotRequest> awaiting = new(StringComparer.OrdinalIgnoreCase);
    private readonly ISnapshotRequests? snapshotRequests;
    private long? lastAwaitingCheck;
    private IPartitionReader? reader;
    private long lastRead = -1;
    private long? holdSet;

    /// <param name="snapshotRequests">
    /// Where a table that needs a snapshot (<see cref="TableNeedsSnapshotException"/>, or a row its mapping cannot take) is
    /// asked to be snapshotted again while the writer holds it; null stops such a table instead (a behaviour that must not
    /// rewrite the lake table, such as schemaChanges=ignore or fail).
    /// </param>
    public PartitionWriter(IChangeLog log, int partition, IEnumerable<WriterTable> tables, ISchemaChangeHandler? schemaChanges = null, WriterOptions? options = null, ILogger? logger = null, TimeProvider? time = null, ISnapshotRequests? snapshotRequests = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(partition, log.PartitionCount);
        this.log = log;
        Partition = partition;
        this.schemaChanges = schemaChanges ?? new StopOnSchemaChange();
        this.options = options ?? new WriterOptions();
        this.options.Commit.Validate();
        this.logger = logger ?? NullLogger.Instance;
        this.time = time ?? TimeProvider.System;
        this.snapshotRequests = snapshotRequests;
        AppId = WriterOptions.AppIdFor(partition);
        foreach (var table in tables)
        {
            if (!this.tables.TryAdd(table.QualifiedName, new TableWriteState(table with { WriterAppId = AppId }, this.options)))
            {
                throw new ArgumentException($"Table {table.QualifiedName} is given twice to the writer of partition {partition}.", nameof(tables));
            }
        }
    }

    public int Partition { get; }

    /// <summary>The txn appId of this partition's commits.</summary>
    public string AppId { get; }

    public WriterMetrics Metrics { get; } = new();

    /// <summary>The next sequence the writer reads (after <see cref="OpenAsync"/>).</summary>
    public long NextSequence => reader?.NextSequenceNumber ?? -1;

    /// <summary>Tables whose writing stopped, with the error that stopped them.</summary>
    public IReadOnlyDictionary<string, Exception> StoppedTables =>
        tables.Values.Where(t => t.StoppedBy is not null).Select(t => KeyValuePair.Create(t.Table.QualifiedName, t.StoppedBy!))
            .Concat(stoppedUnwritten)
            .ToDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The tables the writer writes now: those it was given, and those created since, less those dropped since.</summary>
    public IReadOnlyCollection<string> Tables => tables.Keys;

    /// <summary>Tables held for a re-snapshot (requested, not yet marked complete at the requested epoch), by name.</summary>
    public IReadOnlyCollection<string> ResnapshotTables =>
        tables.Values.Where(t => !t.Live && t.StoppedBy is null && t.Resnapshot).Select(t => t.Table.QualifiedName).Concat(awaiting.Keys).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Reads each table's txn version and snapshot mark and opens the partition at the lowest sequence a table may still
    /// need: the sequence after the oldest txn version, or the oldest retained one when a table has none yet.
    /// </summary>
    public async Task OpenAsync(CancellationToken cancellationToken = default)
    {
        if (reader is not null)
        {
            return;
        }

        var properties = await log.GetPartitionPropertiesAsync(Partition, cancellationToken).ConfigureAwait(false);
        var start = long.MaxValue;
        foreach (var state in tables.Values)
        {
            var snapshot = await state.Table.Lake.RefreshAsync(cancellationToken).ConfigureAwait(false);

            // After a DDL the lake records the source schema the rows after it follow; the log resumes among those rows.
            state.Bind(LakeSourceSchema.ReadFor(snapshot, AppId) is { } recorded
                ? state.Table with { Mapping = TypeMapper.Map(recorded, state.Table.TypeMapping, state.Table.Mapping.SoftDelete) }
                : state.Table);
            state.Applied = snapshot.GetAppTransactionVersion(AppId);
            state.DdlFloor = SchemaChangeEvolver.AppliedDdlPosition(snapshot, AppId);
            state.SnapshotFloor = SnapshotDiscovery.Read(snapshot);
            state.Live = SnapshotCompletion.IsComplete(snapshot);
            state.Resnapshot = !state.Live && SnapshotCompletion.RequiredEpoch(snapshot) > 1;
            state.LastSnapshotCheck = time.GetTimestamp();
            start = Math.Min(start, state.Applied + 1 ?? properties.BeginningSequenceNumber);
        }

        if (snapshotRequests is not null)
        {
            // A table renamed into the job waits for its lake table; the stretch from its request on must be read again.
            foreach (var request in await snapshotRequests.PendingAsync(Partition, cancellationToken).ConfigureAwait(false))
            {
                if (!tables.ContainsKey(request.QualifiedTable))
                {
                    awaiting[request.QualifiedTable] = request;
                    start = Math.Min(start, request.HeldFrom);
                }
            }
        }

        start = Math.Max(start == long.MaxValue ? properties.BeginningSequenceNumber : start, properties.BeginningSequenceNumber);
        lastRead = start - 1;
        Metrics.Read(0, lastRead);  // every table has what comes before where it opens
        reader = log.OpenReader(Partition, start);
        await SetHoldAsync(start, cancellationToken).ConfigureAwait(false);
        LogOpened(logger, Partition, start, tables.Count);
    }

    /// <summary>
    /// Applies everything the partition holds now: reads until no change is there, commits every buffered table, applies
    /// the held changes of tables whose snapshot has completed meanwhile, and moves the retention hold. Returns the changes read.
    /// </summary>
    public async Task<long> DrainAsync(CancellationToken cancellationToken = default)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        long read = 0;
        while (true)
        {
            var batch = reader!.TryRead(options.ReadBatchSize);
            if (batch.Count == 0)
            {
                break;
            }

            read += batch.Count;
            await ProcessAsync(batch, cancellationToken).ConfigureAwait(false);
            if (IsCommitDue())
            {
                await CommitAllAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await CheckSnapshotsAsync(force: true, cancellationToken).ConfigureAwait(false);
        await CommitAllAsync(cancellationToken).ConfigureAwait(false);
        return read;
    }

    /// <summary>
    /// Streams the partition into the lake until <paramref name="cancellationToken"/> is cancelled: waits for changes,
    /// commits by the commit policy, and on cancellation commits what it has buffered before returning.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var batch = await ReadAsync(WaitLimit(), cancellationToken).ConfigureAwait(false);
                if (batch.Count > 0)
                {
                    await ProcessAsync(batch, cancellationToken).ConfigureAwait(false);
                }

                if (IsCommitDue())
                {
                    await CommitAllAsync(cancellationToken).ConfigureAwait(false);
                }

                await CheckSnapshotsAsync(force: false, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: what is buffered is committed below, so a restart does not read it again.
        }

        await CommitAllAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public void Dispose() => reader?.Dispose();

    /// <summary>How long a read may wait: until the oldest buffered change is due, or the next look at loading snapshots.</summary>
    private TimeSpan WaitLimit()
    {
        var limit = Timeout.InfiniteTimeSpan;
        var buffered = tables.Values.Where(t => t.BufferedCount > 0).ToList();
        if (buffered.Count > 0)
        {
            limit = options.Commit.TimeUntilDue(time.GetElapsedTime(buffered.Min(t => t.OldestBufferedAt)));
        }

        if (awaiting.Count > 0 || tables.Values.Any(t => !t.Live && t.HeldFrom is not null))
        {
            limit = limit == Timeout.InfiniteTimeSpan || options.SnapshotPollInterval < limit ? options.SnapshotPollInterval : limit;
        }

        return limit;
    }

    private async Task<IReadOnlyList<ReceivedChange>> ReadAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        if (limit == TimeSpan.Zero)
        {
            return reader!.TryRead(options.ReadBatchSize);
        }

        if (limit == Timeout.InfiniteTimeSpan)
        {
            return await reader!.ReadAsync(options.ReadBatchSize, cancellationToken).ConfigureAwait(false);
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(limit);
        try
        {
            return await reader!.ReadAsync(options.ReadBatchSize, wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return [];
        }
    }

    private async Task ProcessAsync(IReadOnlyList<ReceivedChange> batch, CancellationToken cancellationToken)
    {
        foreach (var received in batch)
        {
            await ProcessAsync(received, only: null, cancellationToken).ConfigureAwait(false);
        }

        // Buffered and waiting first: a reader of the metrics must never see the new sequence with the old (empty) buffer.
        PublishBuffered();
        lastRead = batch[^1].SequenceNumber;
        Metrics.Read(batch.Count, lastRead);
    }

    /// <summary>Applies one change: buffers it, holds it, skips it (already in the lake) or hands a DDL to the handler.</summary>
    private async Task ProcessAsync(ReceivedChange received, TableWriteState? only, CancellationToken cancellationToken)
    {
        var change = received.Change;
        var sequence = received.SequenceNumber;
        tables.TryGetValue(change.Database + "." + change.Table, out var state);
        if (only is not null && !ReferenceEquals(state, only))
        {
            return;
        }

        if (state is null && awaiting.ContainsKey(change.QualifiedTable))
        {
            // Held for its re-snapshot (the request's sequence keeps the log): applied once its lake table is complete.
            return;
        }

        if (change.Kind == ChangeKind.Ddl)
        {
            await SchemaChangeAsync(change, sequence, state, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (state is null && stoppedUnwritten.ContainsKey(change.QualifiedTable))
        {
            return;
        }

        if (state is null && snapshotRequests is not null && change.Table.Length > 0)
        {
            state = await OpenKeptAsync(change.Database, change.Table, sequence, cancellationToken).ConfigureAwait(false);
        }

        if (state is null)
        {
            throw new UnknownTableException(
                $"Partition {Partition} holds a change of {change.QualifiedTable} at sequence {sequence} ({change.Position}), but the writer has no lake table for it. " +
                "Give the writer every table of the job that maps to this partition (or exclude the table from capture).");
        }

        if (state.StoppedBy is not null || (state.Applied is { } applied && sequence <= applied))
        {
            return;
        }

        if (!state.Live)
        {
            state.HeldFrom ??= sequence;
            return;
        }

        if (state.SnapshotFloor is { } discovered && change.SourcePosition.SortKey < discovered)
        {
            // Older than every chunk of the table's snapshot, and maybe of a schema older than the one it discovered.
            return;
        }

        if (state.DdlFloor is { } floor && change.SourcePosition.SortKey < floor)
        {
            // Published again after a capture crash, behind a DDL this writer applied: it follows the schema before the
            // DDL (its image no longer fits the mapping) and its original was committed before the DDL.
            return;
        }

        try
        {
            state.Add(change, sequence, time.GetTimestamp());
        }
        catch (Exception e) when (e is InvalidDataException or NullInNotNullColumnException)
        {
            // A row the table's mapping cannot take: retrying cannot help, so the table is snapshotted again (or stops) after
            // its earlier rows, and the partition's other tables go on.
            await CommitTableAsync(state, sequence - 1, cancellationToken).ConfigureAwait(false);
            if (snapshotRequests is not null)
            {
                await ResnapshotAsync(state, sequence, e, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                StopTable(state, e, sequence);
            }
        }
    }

    private async Task SchemaChangeAsync(ChangeEvent ddl, long sequence, TableWriteState? state, CancellationToken cancellationToken)
    {
        if (state is not null)
        {
            if (state.StoppedBy is not null || (state.Applied is { } applied && sequence <= applied))
            {
                return;
            }

            if (!state.Live)
            {
                state.HeldFrom ??= sequence;
                return;
            }

            if (state.SnapshotFloor is { } discovered && ddl.SourcePosition.SortKey < discovered)
            {
                // Already in the schema the table's snapshot discovered.
                return;
            }

            // The rows before the DDL follow the old schema: they go to the lake before the handler changes anything.
            await CommitTableAsync(state, sequence - 1, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var updated = await schemaChanges.HandleAsync(ddl, state?.Table, cancellationToken).ConfigureAwait(false);
            if (state is not null && updated is null)
            {
                // Dropped or renamed away: nothing of it is written or held any more.
                tables.Remove(state.Table.QualifiedName);
                LogTableLeft(logger, state.Table.QualifiedName, Partition, sequence);
            }
            else if (state is not null && updated is not null && !ReferenceEquals(updated, state.Table))
            {
                state.Bind(updated);
            }

            if (state is not null && updated is not null)
            {
                state.DdlFloor = SchemaChangeEvolver.AppliedDdlPosition(updated.Lake.Snapshot, AppId) ?? state.DdlFloor;
            }
            else if (state is null && updated is not null)
            {
                // Created mid-stream: every row of it follows its CREATE, so it is written from here on.
                stoppedUnwritten.Remove(updated.QualifiedName);
                var added = new TableWriteState(updated with { WriterAppId = AppId }, options) { Live = SnapshotCompletion.IsComplete(updated.Lake.Snapshot), LastSnapshotCheck = time.GetTimestamp(), DdlFloor = SchemaChangeEvolver.AppliedDdlPosition(updated.Lake.Snapshot, AppId) };
                tables[updated.QualifiedName] = added;
                LogTableAdded(logger, updated.QualifiedName, Partition, sequence);
            }
        }
        catch (TableNeedsSnapshotException e) when (state is not null && snapshotRequests is not null)
        {
            await ResnapshotAsync(state, sequence, e, cancellationToken).ConfigureAwait(false);
        }
        catch (TableNeedsSnapshotException e) when (state is null && snapshotRequests is not null && ddl.Table.Length > 0)
        {
            await ResnapshotUnwrittenAsync(ddl, sequence, e, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (state is not null && e is not OperationCanceledException)
        {
            StopTable(state, e, sequence);
        }
        catch (Exception e) when (state is null && ddl.Table.Length > 0 && e is not OperationCanceledException)
        {
            stoppedUnwritten[ddl.QualifiedTable] = e;
            Metrics.Stopped(ddl.QualifiedTable, e);
            LogTableStopped(logger, ddl.QualifiedTable, Partition, sequence, e);
        }
    }

    private void StopTable(TableWriteState state, Exception error, long sequence)
    {
        state.Stop(error, sequence);
        Metrics.Stopped(state.Table.QualifiedName, error);
        LogTableStopped(logger, state.Table.QualifiedName, Partition, sequence, error);
    }

    /// <summary>
    /// Holds a written table from <paramref name="sequence"/> and asks for it to be snapshotted again: the request first (a
    /// crash before the lake says so meets the same change again and asks again), then the lake table's required epoch,
    /// which keeps it held through restarts until the re-snapshot marks it complete.
    /// </summary>
    private async Task ResnapshotAsync(TableWriteState state, long sequence, Exception error, CancellationToken cancellationToken)
    {
        var lake = state.Table.Lake;
        var snapshot = await lake.RefreshAsync(cancellationToken).ConfigureAwait(false);
        var epoch = SnapshotCompletion.IsComplete(snapshot) ? SnapshotCompletion.MarkedEpoch(snapshot) + 1 : SnapshotCompletion.RequiredEpoch(snapshot);
        var source = state.Table.Mapping.Table;
        await snapshotRequests!.RequestAsync(new SnapshotRequest(source.Database, source.Name, Partition, sequence, epoch, error.Message, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        await SnapshotCompletion.RequestAsync(lake, error.Message, cancellationToken).ConfigureAwait(false);
        state.ClearBuffer();
        state.Live = false;
        state.Resnapshot = true;
        state.HeldFrom = sequence;
        state.LastSnapshotCheck = time.GetTimestamp();
        Metrics.Resnapshotting(state.Table.QualifiedName, error);
        LogResnapshot(logger, state.Table.QualifiedName, Partition, sequence, epoch, error.Message);
    }

    /// <summary>
    /// A table the writer has no lake table for came into the job (renamed into its patterns): held from the DDL and asked
    /// to be snapshotted; a lake table kept from an earlier table of that name is held like any written table.
    /// </summary>
    private async Task ResnapshotUnwrittenAsync(ChangeEvent ddl, long sequence, Exception error, CancellationToken cancellationToken)
    {
        var request = new SnapshotRequest(ddl.Database, ddl.Table, Partition, sequence, 1, error.Message, time.GetUtcNow());
        stoppedUnwritten.Remove(ddl.QualifiedTable);
        if (await snapshotRequests!.OpenAsync(ddl.Database, ddl.Table, cancellationToken).ConfigureAwait(false) is { } kept)
        {
            var state = new TableWriteState(kept with { WriterAppId = AppId }, options);
            tables[kept.QualifiedName] = state;
            await ResnapshotAsync(state, sequence, error, cancellationToken).ConfigureAwait(false);
            return;
        }

        await snapshotRequests.RequestAsync(request, cancellationToken).ConfigureAwait(false);
        awaiting[ddl.QualifiedTable] = request;
        Metrics.Resnapshotting(ddl.QualifiedTable, error);
        LogResnapshot(logger, ddl.QualifiedTable, Partition, sequence, 1, error.Message);
    }

    /// <summary>
    /// A table the writer was not given but meets a change of: after a restart, rows of a table dropped at the source (so no
    /// longer discovered) that came before its DROP. Its lake table is opened as the writer would have at its start (txn
    /// version, floors, mark); every such row is at or below its txn version and is skipped, and the DROP lets it go again.
    /// </summary>
    private async Task<TableWriteState?> OpenKeptAsync(string database, string table, long sequence, CancellationToken cancellationToken)
    {
        if (await snapshotRequests!.OpenAsync(database, table, cancellationToken).ConfigureAwait(false) is not { } kept)
        {
            return null;
        }

        var snapshot = kept.Lake.Snapshot;
        var state = new TableWriteState(kept with { WriterAppId = AppId }, options)
        {
            Applied = snapshot.GetAppTransactionVersion(AppId),
            DdlFloor = SchemaChangeEvolver.AppliedDdlPosition(snapshot, AppId),
            SnapshotFloor = SnapshotDiscovery.Read(snapshot),
            Live = SnapshotCompletion.IsComplete(snapshot),
            LastSnapshotCheck = time.GetTimestamp(),
        };
        tables[kept.QualifiedName] = state;
        LogTableAdded(logger, kept.QualifiedName, Partition, sequence);
        return state;
    }

    /// <summary>Tables awaiting a lake table from their re-snapshot: one that has it now is held like any table whose snapshot loads.</summary>
    private async Task CheckAwaitingAsync(bool force, CancellationToken cancellationToken)
    {
        if (awaiting.Count == 0 || (!force && lastAwaitingCheck is { } last && time.GetElapsedTime(last) < options.SnapshotPollInterval))
        {
            return;
        }

        lastAwaitingCheck = time.GetTimestamp();
        foreach (var request in awaiting.Values.ToList())
        {
            if (await snapshotRequests!.OpenAsync(request.Database, request.Table, cancellationToken).ConfigureAwait(false) is not { } table)
            {
                continue;
            }

            awaiting.Remove(request.QualifiedTable);
            tables[table.QualifiedName] = new TableWriteState(table with { WriterAppId = AppId }, options)
            {
                Live = false,
                Resnapshot = true,
                HeldFrom = request.HeldFrom,
                LastSnapshotCheck = time.GetTimestamp(),
            };
            LogTableAdded(logger, table.QualifiedName, Partition, request.HeldFrom);
        }
    }

    private bool IsCommitDue()
    {
        var changes = 0;
        long bytes = 0;
        long? oldest = null;
        foreach (var t in tables.Values)
        {
            if (t.BufferedCount == 0)
            {
                continue;
            }

            changes += t.BufferedCount;
            bytes += t.BufferedBytes;
            oldest = oldest is null ? t.OldestBufferedAt : Math.Min(oldest.Value, t.OldestBufferedAt);
        }

        return oldest is not null && options.Commit.IsDue(changes, bytes, time.GetElapsedTime(oldest.Value));
    }

    /// <summary>Commits every buffered table up to the last sequence read, checkpoints quiet tables, and moves the retention hold.</summary>
    private async Task CommitAllAsync(CancellationToken cancellationToken)
    {
        foreach (var state in tables.Values.ToList())
        {
            if (state.BufferedCount > 0)
            {
                await CommitTableAsync(state, lastRead, cancellationToken).ConfigureAwait(false);
            }
            else if (state.Live && state.StoppedBy is null && lastRead - (state.Applied ?? -1) >= options.IdleCheckpointSequences)
            {
                await CheckpointIdleAsync(state, cancellationToken).ConfigureAwait(false);
            }
        }

        PublishBuffered();
        await SetHoldAsync(NextNeeded(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Merges the table's buffer as batch <paramref name="version"/> (skipped by the lake when that txn version is in).</summary>
    private async Task CommitTableAsync(TableWriteState state, long version, CancellationToken cancellationToken)
    {
        if (state.BufferedCount == 0)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var result = await state.Merge.MergeAsync(state.Buffered, AppId, version, cancellationToken).ConfigureAwait(false);
        var skipped = result.Commit.Outcome == CommitOutcome.AlreadyCommitted;
        state.Applied = Math.Max(state.Applied ?? -1, version);
        Metrics.Committed(
            state.Table.QualifiedName,
            state.BufferedCount,
            result.DataFileMilliseconds,
            result.Commit.StageTimings.TryGetValue("writeCommit", out var put) ? put : 0,
            result.Commit.Retries,
            skipped,
            result.Commit.Snapshot.Files.Count,
            time.GetUtcNow(),
            state.BufferedCommitTimes);
        LogCommitted(logger, state.Table.QualifiedName, Partition, version, skipped ? "skipped (already committed)" : "committed", result.Commit.Version, state.BufferedCount, result.RowsWritten, result.RowsDeleted, result.ChangesDropped, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        state.ClearBuffer();
    }

    /// <summary>A txn-only commit for a live table with nothing to write, so a restart starts near the partition's end.</summary>
    private async Task CheckpointIdleAsync(TableWriteState state, CancellationToken cancellationToken)
    {
        var lake = state.Table.Lake;
        var tx = lake.BeginTransaction("STREAMING UPDATE").WithOperation("STREAMING UPDATE", new Dictionary<string, string> { ["outputMode"] = "Append", ["queryId"] = AppId })
            .SetAppTransaction(AppId, lastRead);
        await lake.CommitAsync(tx, cancellationToken).ConfigureAwait(false);
        state.Applied = lastRead;
    }

    /// <summary>Looks again at tables whose snapshot was loading; one that completed gets its held changes applied now.</summary>
    private async Task CheckSnapshotsAsync(bool force, CancellationToken cancellationToken)
    {
        await CheckAwaitingAsync(force, cancellationToken).ConfigureAwait(false);

        // A copy: a DDL met while catching up can drop a table.
        foreach (var state in tables.Values.ToList())
        {
            if (state.Live || (!force && time.GetElapsedTime(state.LastSnapshotCheck) < options.SnapshotPollInterval))
            {
                continue;
            }

            state.LastSnapshotCheck = time.GetTimestamp();
            var snapshot = await state.Table.Lake.RefreshAsync(cancellationToken).ConfigureAwait(false);
            if (!SnapshotCompletion.IsComplete(snapshot))
            {
                continue;
            }

            // The snapshot recorded the schema it read the table by (a re-snapshot may have read a new one) and where it discovered it.
            state.Bind(LakeSourceSchema.ReadFor(snapshot, AppId) is { } recorded
                ? state.Table with { Mapping = TypeMapper.Map(recorded, state.Table.TypeMapping, state.Table.Mapping.SoftDelete) }
                : state.Table);
            state.SnapshotFloor = SnapshotDiscovery.Read(snapshot);
            state.DdlFloor = SchemaChangeEvolver.AppliedDdlPosition(snapshot, AppId);
            state.Live = true;
            state.Resnapshot = false;
            Metrics.Live(state.Table.QualifiedName);
            LogLive(logger, state.Table.QualifiedName, Partition, state.HeldFrom ?? lastRead + 1);
            if (state.HeldFrom is { } from)
            {
                state.HeldFrom = null;
                try
                {
                    await CatchUpAsync(state, from, cancellationToken).ConfigureAwait(false);
                    if (state.Live && state.StoppedBy is null && (state.Applied ?? -1) < lastRead)
                    {
                        // Nothing of it to write: its txn still says where a restart must read it from.
                        await CheckpointIdleAsync(state, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch
                {
                    // An unfinished catch-up must not be committed as far as the main reader has read: the table goes
                    // back to held, from where it was (what the catch-up committed is skipped by its txn next time).
                    state.ClearBuffer();
                    state.HeldFrom = from;
                    state.Live = false;
                    throw;
                }
            }

            PublishBuffered();
        }
    }

    /// <summary>Applies a table's held changes, from <paramref name="from"/> to the last sequence the writer has read.</summary>
    private async Task CatchUpAsync(TableWriteState state, long from, CancellationToken cancellationToken)
    {
        using var catchUp = log.OpenReader(Partition, from);
        while (catchUp.NextSequenceNumber <= lastRead)
        {
            var batch = catchUp.TryRead((int)Math.Min(options.ReadBatchSize, lastRead - catchUp.NextSequenceNumber + 1));
            if (batch.Count == 0)
            {
                throw new InvalidOperationException($"Partition {Partition} returned nothing at sequence {catchUp.NextSequenceNumber} while catching up {state.Table.QualifiedName}, though sequence {lastRead} was read before.");
            }

            foreach (var received in batch)
            {
                if (received.SequenceNumber <= lastRead)
                {
                    await ProcessAsync(received, state, cancellationToken).ConfigureAwait(false);
                }
            }

            if (state.BufferedCount >= options.Commit.MaxBufferedChanges || state.BufferedBytes >= options.Commit.MaxBufferedBytes)
            {
                await CommitTableAsync(state, Math.Min(batch[^1].SequenceNumber, lastRead), cancellationToken).ConfigureAwait(false);
            }
        }

        await CommitTableAsync(state, lastRead, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The lowest sequence some table still needs: held or stopped changes, buffered ones, else the next to read.</summary>
    private long NextNeeded()
    {
        var next = lastRead + 1;
        foreach (var request in awaiting.Values)
        {
            next = Math.Min(next, request.HeldFrom);
        }

        foreach (var t in tables.Values)
        {
            if (t.HeldFrom is { } held)
            {
                next = Math.Min(next, held);
            }

            if (t.FirstBuffered is { } buffered)
            {
                next = Math.Min(next, buffered);
            }
        }

        return next;
    }

    private async Task SetHoldAsync(long nextNeeded, CancellationToken cancellationToken)
    {
        if (holdSet == nextNeeded)
        {
            return;
        }

        await log.SetRetentionHoldAsync(options.ConsumerName, Partition, nextNeeded, cancellationToken).ConfigureAwait(false);
        holdSet = nextNeeded;
    }

    private void PublishBuffered() => Metrics.SetBuffered(
        tables.Values.Sum(t => (long)t.BufferedCount),
        tables.Values.Sum(t => t.BufferedBytes),
        tables.Values.Count(t => !t.Live && t.StoppedBy is null && t.HeldFrom is not null) + awaiting.Count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Writer of partition {Partition} opened at sequence {Start} for {Tables} tables")]
    private static partial void LogOpened(ILogger logger, int partition, long start, int tables);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Table} (partition {Partition}) batch through sequence {Sequence} {Outcome} at version {Version}: {Changes} changes, {Written} rows written, {Retired} retired, {Dropped} dropped, {Milliseconds} ms")]
    private static partial void LogCommitted(ILogger logger, string table, int partition, long sequence, string outcome, long version, int changes, long written, long retired, long dropped, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Table} (partition {Partition}) is live: its snapshot is committed; applying its changes from sequence {From}")]
    private static partial void LogLive(ILogger logger, string table, int partition, long from);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Table} (partition {Partition}) is no longer written from sequence {Sequence}: the schema-change handler removed it")]
    private static partial void LogTableLeft(ILogger logger, string table, int partition, long sequence);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Table} (partition {Partition}) is written from sequence {Sequence}: the schema-change handler added it")]
    private static partial void LogTableAdded(ILogger logger, string table, int partition, long sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Table} (partition {Partition}) is held from sequence {Sequence} for a re-snapshot (epoch {Epoch}): {Reason}")]
    private static partial void LogResnapshot(ILogger logger, string table, int partition, long sequence, long epoch, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Table} (partition {Partition}) stopped at sequence {Sequence}")]
    private static partial void LogTableStopped(ILogger logger, string table, int partition, long sequence, Exception error);
}
