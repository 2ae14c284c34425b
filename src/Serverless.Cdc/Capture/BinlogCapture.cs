using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Cdc.Transport;
using Serverless.MySql.Binlog;
using Serverless.MySql.Client;
using Serverless.MySql.Replication;
using Serverless.Storage.State;

namespace Serverless.Cdc.Capture;

/// <summary>
/// The capture loop of one job: streams the source's binlog from P0 (first run) or the job's checkpoint, turns the
/// job's row changes and DDL into <see cref="ChangeEvent"/>s, fills one <see cref="ChangeBatch"/> per partition key and
/// publishes them, and checkpoints the restart point of the last transaction whose changes the transport acknowledged.
/// A restart therefore re-publishes at most the unacknowledged tail (duplicates the writers' merge rule absorbs).
/// Batches are published when full, when the binlog goes idle (the next event is not there yet), after
/// <see cref="CaptureOptions.MaxBatchDelay"/>, or when the open batches hold <see cref="CaptureOptions.MaxBufferedBytes"/>;
/// a transaction of any size streams through that bound and is checkpointed only at its end.
/// </summary>
public sealed class BinlogCapture
{
    private static readonly int[] AccessErrors = [1044, 1045, 1142, 1227, 1698];
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);

    private readonly CaptureOptions options;
    private readonly IChangePublisher publisher;
    private readonly CaptureCheckpointStore checkpoints;
    private readonly ILogger log;
    private readonly TimeProvider clock;
    private readonly CapturedTables tables;
    private readonly Dictionary<string, ChangeBatch> open = new(StringComparer.Ordinal);
    private readonly RateMeter rate;
    private CaptureProgress progress = new();

    private BinlogReplicationStream? stream;
    private MySqlGtidSet? mySqlExecuted;
    private long sourceServerId;
    private string? sourceServerUuid;
    private long sourceGeneration;
    private CaptureCheckpoint? claimed;
    private bool resumedByGtid;
    private int earlierReconnects;

    private long bufferedBytes;
    private long peakBufferedBytes;
    private long oldestOpenTimestamp;
    private long changesPublished;
    private long batchesPublished;
    private long transactions;
    private long checkpointBase;
    private BinlogPosition position;
    private DateTimeOffset? lastCommitTime;
    private bool idle;
    private long lastProgressTimestamp;

    // The last commit handled, with the state that belongs to it, and the last one whose changes are all acknowledged.
    private Boundary lastCommit;
    private Boundary acknowledged;
    private Boundary saved;
    private bool versionsChanged;
    private long lastSaveTimestamp;
    private int checkpointsWritten;

    public BinlogCapture(CaptureOptions options, IChangePublisher publisher, IStateStore stateStore, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentNullException.ThrowIfNull(stateStore);
        this.options = options;
        this.publisher = publisher;
        log = logger ?? NullLogger.Instance;
        clock = options.TimeProvider;
        checkpoints = new CaptureCheckpointStore(stateStore, options.JobName);
        tables = new CapturedTables(options, log);
        rate = new RateMeter(clock);
        OwnerId = Guid.NewGuid().ToString("N");
    }

    /// <summary>This run's id in the checkpoint (a new one per instance).</summary>
    public string OwnerId { get; }

    /// <summary>The latest progress snapshot; safe to read from any thread.</summary>
    public CaptureProgress Progress => Volatile.Read(ref progress);

    /// <summary>
    /// Captures until the token is cancelled (then publishes what it holds, checkpoints and throws
    /// <see cref="OperationCanceledException"/>), or with <see cref="CaptureOptions.StopAtEnd"/> until the end of the
    /// binlog. Fails with <see cref="BinlogPurgedException"/>, <see cref="CaptureSourceException"/> or
    /// <see cref="CaptureFencedException"/> when continuing cannot help.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        claimed = await checkpoints.ClaimAsync(OwnerId, cancellationToken).ConfigureAwait(false);
        var streamOptions = await PlanStartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                stream = new BinlogReplicationStream(streamOptions, log);
                try
                {
                    await using (stream.ConfigureAwait(false))
                    {
                        await StreamAsync(stream, cancellationToken).ConfigureAwait(false);
                    }

                    return;
                }
                catch (ReplicationSourceChangedException e)
                {
                    earlierReconnects += stream.ReconnectCount;
                    streamOptions = await ReplanAfterFailoverAsync(streamOptions, e, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (MySqlException e) when (IsAccessError(e))
        {
            throw RefusedAccess(e);
        }
        finally
        {
            Publish(running: false);
        }
    }

    private async Task StreamAsync(BinlogReplicationStream binlog, CancellationToken cancellationToken)
    {
        // Its own token, so that a failure while a read is pending can end the read before the iterator is disposed.
        using var reads = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var events = binlog.ReadAsync(reads.Token).GetAsyncEnumerator(reads.Token);
        await using (events.ConfigureAwait(false))
        {
            Publish(running: true);
            try
            {
                while (true)
                {
                    var next = events.MoveNextAsync();
                    bool more;
                    if (next.IsCompleted)
                    {
                        more = await next.ConfigureAwait(false);
                    }
                    else
                    {
                        // The next event is not there yet: publish what is open and checkpoint instead of waiting with it.
                        idle = true;
                        await WhileReadingAsync(next, reads, cancellationToken).ConfigureAwait(false);
                        more = await next.ConfigureAwait(false);

                        // The connection's wait thread completed that read and would run this loop on; there a read
                        // that finds no data blocks inline and looks complete, so the loop could never see the binlog
                        // idle again. Leave it: reads from a pool thread that find no data hand the wait over.
                        await Task.Yield();
                    }

                    if (!more)
                    {
                        break;
                    }

                    idle = false;
                    await HandleAsync(events.Current, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // A clean stop: hand over what is open so the checkpoint can move, then report the cancellation.
                await FlushAsync(CancellationToken.None).ConfigureAwait(false);
                await CheckpointAsync(force: true, CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            await FlushAsync(cancellationToken).ConfigureAwait(false);
            await CheckpointAsync(force: true, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Publishes what is open and checkpoints while <paramref name="pendingRead"/> waits for the source. If that fails
    /// (fenced, the log refused), the read is cancelled and awaited first: an async iterator cannot be disposed while one
    /// of its reads is in flight.
    /// </summary>
    private async Task WhileReadingAsync(ValueTask<bool> pendingRead, CancellationTokenSource reads, CancellationToken cancellationToken)
    {
        try
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            await CheckpointAsync(force: true, cancellationToken).ConfigureAwait(false);
            Publish(running: true);
        }
        catch (Exception)
        {
            await reads.CancelAsync().ConfigureAwait(false);
            try
            {
                await pendingRead.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or MySqlException or ObjectDisposedException)
            {
                log.LogDebug(e, "The binlog read ended after capture failed");
            }

            throw;
        }
    }

    private async ValueTask HandleAsync(ReplicationEvent e, CancellationToken cancellationToken)
    {
        position = e.Position;
        switch (e)
        {
            case RowChange row:
                await AddRowAsync(row, cancellationToken).ConfigureAwait(false);
                break;
            case DdlChange ddl:
                await AddDdlAsync(ddl, cancellationToken).ConfigureAwait(false);
                break;
            case TransactionCommit commit:
                Commit(commit);
                break;
        }

        if (open.Count > 0 &&
            (bufferedBytes >= options.MaxBufferedBytes || clock.GetElapsedTime(oldestOpenTimestamp) >= options.MaxBatchDelay))
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        if (e is TransactionCommit)
        {
            await CheckpointAsync(force: false, cancellationToken).ConfigureAwait(false);
        }

        if (clock.GetElapsedTime(lastProgressTimestamp) >= ProgressInterval)
        {
            Publish(running: true);
        }
    }

    private async ValueTask AddRowAsync(RowChange row, CancellationToken cancellationToken)
    {
        var map = row.Table;
        var qualified = map.DatabaseName + "." + map.TableName;
        var key = tables.KeyColumns(map);
        var version = tables.VersionOf(qualified);
        var spread = tables.SpreadOf(qualified);
        switch (row.Kind)
        {
            case RowChangeKind.Insert:
                await AddAsync(RowEvent(row, ChangeKind.Insert, row.After, key, version), spread, cancellationToken).ConfigureAwait(false);
                break;
            case RowChangeKind.Delete:
                await AddAsync(RowEvent(row, ChangeKind.Delete, row.Before, key, version), spread, cancellationToken).ConfigureAwait(false);
                break;
            default:
                if (KeyChanged(row, key))
                {
                    // The old key is gone and a new one appears: writers see a delete and an insert (the design note's rule).
                    await AddAsync(RowEvent(row, ChangeKind.Delete, row.Before, key, version), spread, cancellationToken).ConfigureAwait(false);
                    await AddAsync(RowEvent(row, ChangeKind.Insert, row.After, key, version), spread, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await AddAsync(RowEvent(row, ChangeKind.Update, row.After, key, version), spread, cancellationToken).ConfigureAwait(false);
                }

                break;
        }
    }

    private static bool KeyChanged(RowChange row, int[] key)
    {
        var before = row.Before;
        var after = row.After;
        foreach (var k in key)
        {
            if (ChangeValue.FromColumnValue(before[k]) != ChangeValue.FromColumnValue(after[k]))
            {
                return true;
            }
        }

        return false;
    }

    private ChangeEvent RowEvent(RowChange row, ChangeKind kind, ReadOnlySpan<ColumnValue> image, int[] key, long version)
    {
        var values = new ChangeValue[image.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ChangeValue.FromColumnValue(image[i]);
        }

        var keyValues = new ChangeValue[key.Length];
        for (var k = 0; k < key.Length; k++)
        {
            keyValues[k] = values[key[k]];
        }

        return new ChangeEvent
        {
            Kind = kind, Database = row.DatabaseName, Table = row.TableName, SchemaVersion = version, Position = row.Position,
            SourceGeneration = sourceGeneration, Gtid = row.Gtid, CommitTime = row.CommitTime, Key = keyValues, Row = values,
        };
    }

    private async ValueTask AddDdlAsync(DdlChange ddl, CancellationToken cancellationToken)
    {
        var targets = DdlTargets.Parse(ddl.Sql, ddl.Schema);
        var names = targets.Tables.Select(t => (t.Database, t.Table)).ToList();
        if (targets.DroppedDatabase is { } database)
        {
            names.AddRange(tables.KnownIn(database).Select(q => (database, q[(database.Length + 1)..])));
        }

        foreach (var (db, table) in names)
        {
            if (!tables.Includes(db, table))
            {
                continue;
            }

            var qualified = db + "." + table;
            var spread = tables.SpreadOf(qualified);
            if (spread > 1 && open.Count > 0)
            {
                // Each slot key gets its own copy of the statement, ordered only with that slot's rows, and one partition
                // can hold several slots: published now, every row of the older schema lies before every copy in every
                // partition, so a writer that applied the first copy never meets an old row image after it.
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            var version = tables.Bump(qualified, targets.CreatesTable);
            versionsChanged = true;
            var change = new ChangeEvent
            {
                Kind = ChangeKind.Ddl, Database = db, Table = table, SchemaVersion = version, Position = ddl.Position,
                SourceGeneration = sourceGeneration, Gtid = ddl.Gtid, CommitTime = ddl.CommitTime, Sql = ddl.Sql,
            };
            log.LogInformation("DDL on {Table} at {Position} (schema version {Version}): {Sql}", qualified, ddl.Position, version, ddl.Sql);
            foreach (var slotKey in PartitionKeys.ForTableSlots(db, table, spread))
            {
                await AddAsync(change, slotKey, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void Commit(TransactionCommit commit)
    {
        transactions++;
        lastCommitTime = commit.CommitTime;
        if (mySqlExecuted is not null && commit.Gtid is { } gtid && gtid.Contains(':', StringComparison.Ordinal))
        {
            mySqlExecuted.Add(MySqlGtid.Parse(gtid));
        }

        lastCommit = new Boundary(
            commit.ResumePoint,
            versionsChanged || lastCommit.Versions is null ? tables.VersionsSnapshot() : lastCommit.Versions,
            mySqlExecuted?.ToString(),
            changesPublished + PendingChanges());
        versionsChanged = false;
        if (open.Count == 0)
        {
            acknowledged = lastCommit;
        }
    }

    private int PendingChanges()
    {
        var count = 0;
        foreach (var batch in open.Values)
        {
            count += batch.Count;
        }

        return count;
    }

    private ValueTask AddAsync(ChangeEvent change, int spread, CancellationToken cancellationToken) =>
        AddAsync(change, PartitionKeys.ForChange(change, spread), cancellationToken);

    private async ValueTask AddAsync(ChangeEvent change, string partitionKey, CancellationToken cancellationToken)
    {
        if (!open.TryGetValue(partitionKey, out var batch))
        {
            batch = Open(partitionKey);
        }

        var before = batch.SizeInBytes;
        if (!batch.TryAdd(change))
        {
            await PublishAsync(partitionKey, batch, cancellationToken).ConfigureAwait(false);
            batch = Open(partitionKey);
            before = 0;
            if (!batch.TryAdd(change))
            {
                throw new InvalidOperationException($"An empty batch refused the {change}; the change log's batch limit is {batch.MaxBytes} bytes.");
            }
        }

        bufferedBytes += batch.SizeInBytes - before;
        peakBufferedBytes = Math.Max(peakBufferedBytes, bufferedBytes);
    }

    private ChangeBatch Open(string partitionKey)
    {
        var batch = publisher.CreateBatch(ChangeBatchOptions.ForKey(partitionKey));
        if (open.Count == 0)
        {
            oldestOpenTimestamp = clock.GetTimestamp();
        }

        open[partitionKey] = batch;
        return batch;
    }

    private async ValueTask PublishAsync(string partitionKey, ChangeBatch batch, CancellationToken cancellationToken)
    {
        var size = batch.SizeInBytes;
        var count = batch.Count;
        await publisher.PublishAsync(batch, cancellationToken).ConfigureAwait(false);
        open.Remove(partitionKey);
        bufferedBytes -= size;
        changesPublished += count;
        batchesPublished++;
        rate.Add(count);
    }

    /// <summary>Publishes every open batch; then every change up to the last commit handled is acknowledged.</summary>
    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (open.Count > 0)
        {
            // Different partitions publish in parallel (one fsync each); a partition's batches stay in order.
            var batches = open.ToArray();
            await Task.WhenAll(batches.Select(b => publisher.PublishAsync(b.Value, cancellationToken).AsTask())).ConfigureAwait(false);
            foreach (var (key, batch) in batches)
            {
                open.Remove(key);
                changesPublished += batch.Count;
                batchesPublished++;
                rate.Add(batch.Count);
            }

            bufferedBytes = 0;
        }

        acknowledged = lastCommit;
    }

    private async ValueTask CheckpointAsync(bool force, CancellationToken cancellationToken)
    {
        if (acknowledged.ResumePoint.IsEmpty || acknowledged.ResumePoint == saved.ResumePoint ||
            (!force && clock.GetElapsedTime(lastSaveTimestamp) < options.CheckpointInterval))
        {
            return;
        }

        var checkpoint = new CaptureCheckpoint
        {
            Owner = OwnerId,
            Epoch = claimed?.Epoch ?? 1,
            ResumePoint = acknowledged.ResumePoint.ToString(),
            MySqlGtidExecuted = acknowledged.MySqlGtidExecuted,
            SourceServerId = sourceServerId,
            SourceServerUuid = sourceServerUuid,
            SourceGeneration = sourceGeneration,
            SchemaVersions = acknowledged.Versions ?? tables.VersionsSnapshot(),
            ChangesPublished = checkpointBase + acknowledged.ChangesPublished,
            UpdatedAt = clock.GetUtcNow(),
        };
        await checkpoints.SaveAsync(checkpoint, cancellationToken).ConfigureAwait(false);
        saved = acknowledged;
        lastSaveTimestamp = clock.GetTimestamp();
        checkpointsWritten++;
        log.LogDebug("Capture checkpoint of job {Job} at {ResumePoint}", options.JobName, checkpoint.ResumePoint);
    }

    /// <summary>Chooses where the stream starts: the checkpoint on this server, by GTID on another, or P0 on the first run.</summary>
    private async Task<BinlogReplicationOptions> PlanStartAsync(CancellationToken cancellationToken)
    {
        var flavor = await ReadSourceIdentityAsync(cancellationToken).ConfigureAwait(false);
        var baseOptions = new BinlogReplicationOptions
        {
            Connection = options.Source,
            ServerId = options.ReplicaServerId,
            TableFilter = tables.Includes,
            StopAtEnd = options.StopAtEnd,
            HeartbeatPeriod = options.HeartbeatPeriod,
            IdleTimeout = options.IdleTimeout,
            MaxReconnectAttempts = options.MaxReconnectAttempts,
            InitialReconnectDelay = options.InitialReconnectDelay,
            MaxReconnectDelay = options.MaxReconnectDelay,
        };

        if (claimed is { ResumePoint.Length: > 0 } checkpoint)
        {
            tables.Restore(checkpoint.SchemaVersions);
            checkpointBase = checkpoint.ChangesPublished;
            sourceGeneration = checkpoint.SourceGeneration;
            var resume = ReplicationResumePoint.Parse(checkpoint.ResumePoint);
            mySqlExecuted = checkpoint.MySqlGtidExecuted is { Length: > 0 } set ? MySqlGtidSet.Parse(set) : null;
            var sameServer = checkpoint.SourceServerId is null ||
                             (checkpoint.SourceServerId == sourceServerId && string.Equals(checkpoint.SourceServerUuid, sourceServerUuid, StringComparison.OrdinalIgnoreCase));
            lastCommit = acknowledged = saved = new Boundary(resume, checkpoint.SchemaVersions, checkpoint.MySqlGtidExecuted, 0);
            if (sameServer)
            {
                log.LogInformation("Capture of job {Job} resumes from its checkpoint {ResumePoint}", options.JobName, resume);
                return baseOptions with { ResumeFrom = resume };
            }

            return ResumeOnAnotherServer(baseOptions, checkpoint, resume, flavor);
        }

        var start = options.Start ?? throw new InvalidOperationException(
            $"Capture of job '{options.JobName}' has no checkpoint yet and no start position: pass P0 (the snapshot's start position from the job state) as CaptureOptions.Start.");
        string? mariaDbGtid = null;
        if (start.Gtid is { Length: > 0 } gtid)
        {
            if (gtid.Contains(':', StringComparison.Ordinal))
            {
                mySqlExecuted = MySqlGtidSet.Parse(gtid);
            }
            else
            {
                mariaDbGtid = MariaDbGtidList.Parse(gtid).ToString();
            }
        }

        log.LogInformation("Capture of job {Job} starts at P0 {Position} (GTID {Gtid})", options.JobName, start.Position, start.Gtid);
        var first = new ReplicationResumePoint(start.Position, default, mariaDbGtid);
        lastCommit = acknowledged = new Boundary(first, tables.VersionsSnapshot(), mySqlExecuted?.ToString(), 0);
        return baseOptions with { ResumeFrom = first };
    }

    /// <summary>
    /// The address now leads to another server: hand over what is open (real changes of the old server), then go on from
    /// the last acknowledged commit by GTID on the new one, as a restart from the checkpoint would.
    /// </summary>
    private async Task<BinlogReplicationOptions> ReplanAfterFailoverAsync(BinlogReplicationOptions current, ReplicationSourceChangedException e, CancellationToken cancellationToken)
    {
        log.LogWarning("{Reason}", e.Message);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await CheckpointAsync(force: true, cancellationToken).ConfigureAwait(false);
        var previous = new CaptureCheckpoint
        {
            Owner = OwnerId, SourceServerId = sourceServerId, SourceServerUuid = sourceServerUuid, SourceGeneration = sourceGeneration,
        };
        var flavor = await ReadSourceIdentityAsync(cancellationToken).ConfigureAwait(false);
        tables.Restore(acknowledged.Versions ?? tables.VersionsSnapshot());
        mySqlExecuted = acknowledged.MySqlGtidExecuted is { Length: > 0 } set ? MySqlGtidSet.Parse(set) : null;
        lastCommit = acknowledged;
        var baseOptions = current with { ResumeFrom = null, StartPosition = null, StartMariaDbGtid = null, StartMySqlGtidSet = null };
        return ResumeOnAnotherServer(baseOptions, previous, acknowledged.ResumePoint, flavor);
    }

    /// <summary>
    /// Resumes by GTID on a server that is not the checkpoint's, in the next source generation: its binlog positions do
    /// not compare with the earlier server's, so its changes must sort above all of those in the lake.
    /// </summary>
    private BinlogReplicationOptions ResumeOnAnotherServer(BinlogReplicationOptions baseOptions, CaptureCheckpoint checkpoint, ReplicationResumePoint resume, MySqlServerFlavor flavor)
    {
        var endpoint = options.Source.Endpoint;
        if (flavor == MySqlServerFlavor.MariaDb && resume.GtidStateBefore is { Length: > 0 } state)
        {
            sourceGeneration = NextGeneration(checkpoint);
            log.LogWarning(
                "The source {Endpoint} is server {ServerId}, not server {CheckpointServer} the checkpoint was read from (a failover): capture resumes by GTID after {Gtid} in source generation {Generation}",
                endpoint, sourceServerId, checkpoint.SourceServerId, state, sourceGeneration);
            resumedByGtid = true;
            return baseOptions with { StartMariaDbGtid = MariaDbGtidList.Parse(state) };
        }

        if (flavor == MySqlServerFlavor.MySql && mySqlExecuted is { IsEmpty: false } executed)
        {
            sourceGeneration = NextGeneration(checkpoint);
            log.LogWarning(
                "The source {Endpoint} is server {ServerUuid}, not {CheckpointServer} the checkpoint was read from (a failover): capture resumes by GTID after {Gtid} in source generation {Generation}",
                endpoint, sourceServerUuid, checkpoint.SourceServerUuid, executed, sourceGeneration);
            resumedByGtid = true;
            return baseOptions with { StartMySqlGtidSet = new MySqlGtidSet(executed) };
        }

        throw new CaptureSourceException(
            $"Capture of job '{options.JobName}' stopped at {resume.TransactionStart} on source server {checkpoint.SourceServerId}, but {endpoint} is server " +
            $"{sourceServerId}{(sourceServerUuid is null ? string.Empty : " (" + sourceServerUuid + ")")} and the checkpoint has no GTID state, so the same point cannot be found there. " +
            "Point the job back at the original server, or enable GTIDs (MySQL: gtid_mode=ON; MariaDB has them by default) and re-snapshot the job's tables.");
    }

    private long NextGeneration(CaptureCheckpoint checkpoint)
    {
        if (checkpoint.SourceGeneration >= SourcePosition.MaxGeneration)
        {
            throw new CaptureSourceException(
                $"Capture of job '{options.JobName}' has followed {checkpoint.SourceGeneration} failovers, the most the lake's _cdc_position can order. " +
                "Re-snapshot the job's tables to start again at source generation 0.");
        }

        return checkpoint.SourceGeneration + 1;
    }

    private async Task<MySqlServerFlavor> ReadSourceIdentityAsync(CancellationToken cancellationToken)
    {
        try
        {
            var connection = await MySqlConnection.OpenAsync(options.Source, log, cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var flavor = connection.ServerVersion.Flavor;
                var row = await connection.QueryTextRowsAsync(
                    flavor == MySqlServerFlavor.MySql ? "SELECT @@server_id, @@server_uuid" : "SELECT @@server_id, NULL", cancellationToken).ConfigureAwait(false);
                sourceServerId = long.Parse(row[0][0]!, CultureInfo.InvariantCulture);
                sourceServerUuid = row[0][1];
                return flavor;
            }
        }
        catch (MySqlException e) when (IsAccessError(e))
        {
            throw RefusedAccess(e);
        }
    }

    private static bool IsAccessError(MySqlException e) => e.Kind == MySqlErrorKind.AccessDenied || AccessErrors.Contains(e.ErrorNumber);

    private CaptureSourceException RefusedAccess(MySqlException e) => new(
        $"The source {options.Source.Endpoint} refuses capture for user '{options.Source.User}': {e.Message} This is not retried. " +
        $"Give the user its login and the replication privileges again: GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '{options.Source.User}'@'%' " +
        "(MariaDB 10.5+: REPLICATION SLAVE, BINLOG MONITOR), then restart capture; it resumes from its checkpoint.",
        e);

    private void Publish(bool running)
    {
        var pending = open.Count > 0 || !idle;
        lastProgressTimestamp = clock.GetTimestamp();
        Volatile.Write(ref progress, new CaptureProgress
        {
            ChangesPublished = changesPublished,
            ChangesPerSecond = rate.PerSecond(),
            TransactionsSeen = transactions,
            BatchesPublished = batchesPublished,
            Position = position,
            SourceGeneration = sourceGeneration,
            LastCommitTime = lastCommitTime,
            Lag = pending && lastCommitTime is { } committed ? Max(clock.GetUtcNow() - committed, TimeSpan.Zero) : TimeSpan.Zero,
            BufferedBytes = bufferedBytes,
            PeakBufferedBytes = peakBufferedBytes,
            Checkpoint = saved.ResumePoint.IsEmpty ? null : saved.ResumePoint.ToString(),
            CheckpointsWritten = checkpointsWritten,
            Reconnects = earlierReconnects + (stream?.ReconnectCount ?? 0),
            Running = running,
            ResumedByGtid = resumedByGtid,
        });
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>A transaction boundary with the state that belongs to it (schema versions, MySQL GTID set, changes before it).</summary>
    private readonly record struct Boundary(
        ReplicationResumePoint ResumePoint, IReadOnlyDictionary<string, long>? Versions, string? MySqlGtidExecuted, long ChangesPublished);

    /// <summary>Changes per second over the last completed window of at least a second.</summary>
    private sealed class RateMeter(TimeProvider clock)
    {
        private long windowStart = clock.GetTimestamp();
        private long inWindow;
        private double lastRate;

        public void Add(long count)
        {
            inWindow += count;
            Roll();
        }

        public double PerSecond()
        {
            Roll();
            return lastRate;
        }

        private void Roll()
        {
            var elapsed = clock.GetElapsedTime(windowStart);
            if (elapsed >= TimeSpan.FromSeconds(1))
            {
                lastRate = inWindow / elapsed.TotalSeconds;
                inWindow = 0;
                windowStart = clock.GetTimestamp();
            }
        }
    }
}
