using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Delta.Actions;
using Serverless.Delta.Log;
using Serverless.Storage;

namespace Serverless.Delta.Transactions;

/// <summary>
/// Stages the actions of one commit against a read snapshot and commits them through a pipeline of named
/// stages: prepare → check conflicts (after a lost race) → write commit → post-commit (checkpoint).
/// </summary>
public sealed partial class DeltaTransaction
{
    private readonly DeltaLog log;
    private readonly CommitOptions options;
    private readonly ILogger logger;
    private readonly List<AddFile> adds = [];
    private readonly List<RemoveFile> removes = [];
    private readonly List<DomainMetadataAction> domainMetadata = [];
    private readonly Dictionary<string, long> metrics = new(StringComparer.Ordinal);
    private readonly TransactionFootprint footprint = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private MetadataAction? newMetadata;
    private ProtocolAction? newProtocol;
    private TransactionAction? appTransaction;
    private Func<DeltaTransaction, Snapshot, CancellationToken, Task>? redo;
    private long deletedRowsFromDvUpdates;
    private int dvsAdded;
    private int dvsRemoved;

    internal DeltaTransaction(DeltaLog log, Snapshot readSnapshot, string operation, CommitOptions? options, ILogger? logger)
    {
        this.log = log;
        ReadSnapshot = readSnapshot;
        Operation = operation;
        this.options = options ?? CommitOptions.Default;
        this.logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The snapshot the staged actions were computed against (moves forward when the commit is rebased or redone).</summary>
    public Snapshot ReadSnapshot { get; private set; }

    public string Operation { get; private set; }

    public IReadOnlyDictionary<string, string>? OperationParameters { get; private set; }

    public IReadOnlyList<AddFile> StagedAdds => adds;

    public IReadOnlyList<RemoveFile> StagedRemoves => removes;

    /// <summary>Sets the commitInfo operation name and parameters (e.g. "WRITE", {"mode": "Append"}).</summary>
    public DeltaTransaction WithOperation(string operation, IReadOnlyDictionary<string, string>? parameters = null)
    {
        Operation = operation;
        OperationParameters = parameters;
        return this;
    }

    /// <summary>Stages a new data file.</summary>
    public DeltaTransaction Add(AddFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        adds.Add(file);
        return this;
    }

    /// <summary>Stages the removal of a live file of the read snapshot.</summary>
    public DeltaTransaction Remove(AddFile file, bool dataChange = true)
    {
        ArgumentNullException.ThrowIfNull(file);
        var path = DeltaPath.Decode(file.Path);
        footprint.ChangedPaths.Add(path);
        footprint.ReadPaths.Add(path);
        removes.Add(file.ToRemove(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), dataChange));
        return this;
    }

    /// <summary>
    /// Replaces the deletion vector of a live file: removes the file as it is and adds the same path with
    /// <paramref name="deletionVector"/> (which must already include the file's previously deleted rows).
    /// </summary>
    public DeltaTransaction UpdateDeletionVector(AddFile file, DeletionVectorDescriptor deletionVector)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(deletionVector);
        Remove(file);
        var previous = file.DeletionVector?.Cardinality ?? 0;
        if (deletionVector.Cardinality < previous)
        {
            throw new ArgumentException($"The new deletion vector of '{file.Path}' deletes {deletionVector.Cardinality} rows, fewer than the {previous} already deleted; a deletion vector can only grow (union the old one in).", nameof(deletionVector));
        }

        // PROTOCOL.md: a logical file with a deletion vector must carry an accurate numRecords.
        var records = StatsNumRecords(file.Stats)
            ?? throw new DeltaException($"File '{file.Path}' has no numRecords statistic, which every file with a deletion vector must carry; rewrite the file with statistics instead of attaching a deletion vector.");
        if (deletionVector.Cardinality > records)
        {
            throw new ArgumentException($"The deletion vector for '{file.Path}' deletes {deletionVector.Cardinality} rows but the file holds {records}.", nameof(deletionVector));
        }

        if (file.DeletionVector is not null)
        {
            dvsRemoved++;
        }

        dvsAdded++;
        deletedRowsFromDvUpdates += deletionVector.Cardinality - previous;
        adds.Add(file with
        {
            DeletionVector = deletionVector,
            DataChange = true,
            Stats = WideBounds(file.Stats),
        });
        return this;
    }

    /// <summary>Records that this transaction read <paramref name="file"/>: a concurrent delete of it conflicts.</summary>
    public DeltaTransaction ReadFile(AddFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        footprint.ReadPaths.Add(DeltaPath.Decode(file.Path));
        return this;
    }

    /// <summary>Declares which concurrently added files this transaction would have read (e.g. key-range overlap); they conflict as ConcurrentAppend.</summary>
    public DeltaTransaction ReadWhere(Func<AddFile, bool> predicate)
    {
        footprint.ReadPredicate = predicate;
        return this;
    }

    /// <summary>Records (appId, version) in the same atomic commit; a replay of an already committed version becomes a no-op.</summary>
    public DeltaTransaction SetAppTransaction(string appId, long version)
    {
        ArgumentException.ThrowIfNullOrEmpty(appId);
        appTransaction = new TransactionAction(appId, version, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        footprint.AppId = appId;
        footprint.AppVersion = version;
        return this;
    }

    public DeltaTransaction UpdateMetadata(MetadataAction metadata)
    {
        newMetadata = metadata;
        return this;
    }

    public DeltaTransaction UpdateProtocol(ProtocolAction protocol)
    {
        newProtocol = protocol;
        return this;
    }

    /// <summary>Sets (or, with <paramref name="removed"/>, removes) a metadata domain; a second call for the same domain replaces the first (one action per domain per commit).</summary>
    public DeltaTransaction SetDomainMetadata(string domain, string configuration, bool removed = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain);
        domainMetadata.RemoveAll(d => d.Domain == domain);
        domainMetadata.Add(new DomainMetadataAction(domain, configuration, removed));
        footprint.WrittenDomains.Add(domain);
        return this;
    }

    /// <summary>Sets an operation metric for commitInfo (numDeletedRows, numOutputRows, ...).</summary>
    public DeltaTransaction SetMetric(string name, long value)
    {
        metrics[name] = value;
        return this;
    }

    /// <summary>
    /// Registers how to recompute the staged data actions on a newer snapshot when a concurrent commit
    /// conflicts on data (append, delete-read, delete-delete) or on a metadata domain it writes. The callback gets this
    /// transaction, emptied of staged adds, removes, reads and domain metadata, and the new snapshot.
    /// </summary>
    public DeltaTransaction OnConflictRedo(Func<DeltaTransaction, Snapshot, CancellationToken, Task> redoCallback)
    {
        redo = redoCallback;
        return this;
    }

    /// <summary>Runs the commit pipeline.</summary>
    public async Task<CommitResult> CommitAsync(CancellationToken cancellationToken = default)
    {
        var timings = new Dictionary<string, double>(StringComparer.Ordinal);
        var retries = 0;
        var attempt = 0;
        while (true)
        {
            attempt++;

            // Stage: prepare.
            var t0 = Stopwatch.GetTimestamp();
            if (appTransaction is not null && ReadSnapshot.GetAppTransactionVersion(appTransaction.AppId) is { } done && done >= appTransaction.Version)
            {
                LogReplaySkipped(appTransaction.AppId, appTransaction.Version, done);
                return new CommitResult(CommitOutcome.AlreadyCommitted, ReadSnapshot.Version, ReadSnapshot, retries, false, timings);
            }

            var actions = Prepare(retries);
            await EnsureNotStaleBeyondCleanupAsync(cancellationToken).ConfigureAwait(false);
            Accumulate(timings, "prepare", t0);

            // Stage: write commit.
            var version = ReadSnapshot.Version + 1;
            t0 = Stopwatch.GetTimestamp();
            try
            {
                await log.Table.Store.PutIfAbsentAsync(log.Table.CommitPath(version), ActionJson.WriteCommit(actions), cancellationToken).ConfigureAwait(false);
                Accumulate(timings, "writeCommit", t0);
            }
            catch (ObjectAlreadyExistsException)
            {
                Accumulate(timings, "writeCommit", t0);
                if (attempt >= options.MaxAttempts)
                {
                    throw new CommitRetriesExhaustedException(attempt, version);
                }

                // Stage: check conflicts against every commit that won meanwhile.
                t0 = Stopwatch.GetTimestamp();
                var outcome = await ResolveLostRaceAsync(cancellationToken).ConfigureAwait(false);
                Accumulate(timings, "checkConflicts", t0);
                if (outcome is not null)
                {
                    return outcome with { Retries = retries + 1, StageTimings = timings };
                }

                retries++;
                LogRetry(version, retries);
                await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
                continue;
            }

            // Stage: post-commit.
            t0 = Stopwatch.GetTimestamp();
            var state = ReadSnapshot.State.Clone();
            foreach (var a in actions)
            {
                state.Apply(a);
            }

            var committed = new Snapshot(log.Table, version, state, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ReadSnapshot);
            var checkpointed = await PostCommitAsync(committed, cancellationToken).ConfigureAwait(false);
            Accumulate(timings, "postCommit", t0);
            LogCommitted(version, Operation, retries);
            return new CommitResult(CommitOutcome.Committed, version, committed, retries, checkpointed, timings);
        }
    }

    private List<DeltaAction> Prepare(int retries)
    {
        var snapshot = ReadSnapshot;
        var protocol = newProtocol ?? snapshot.Protocol;
        var metadata = newMetadata ?? snapshot.Metadata;
        var name = snapshot.Describe();
        TableFeatures.EnsureWritable(protocol, name);

        if (snapshot.Schema.Fields.Any(f => f.Metadata.ContainsKey("delta.invariants")) || metadata.Configuration.Keys.Any(k => k.StartsWith("delta.constraints.", StringComparison.Ordinal)))
        {
            throw new DeltaException($"Table {name} declares column invariants or CHECK constraints, which this library does not evaluate; writing could store rows that violate them, so writes are refused.");
        }

        if (removes.Count > 0 && removes.Any(r => r.DataChange) && metadata.GetConfiguration("delta.appendOnly") == "true")
        {
            throw new DeltaException($"Table {name} is append-only (delta.appendOnly=true): this {Operation} would remove or update {removes.Count} files. Unset delta.appendOnly to allow updates and deletes.");
        }

        if (adds.Any(a => a.DeletionVector is not null) && !protocol.HasWriterFeature(TableFeatures.DeletionVectors))
        {
            throw new DeltaException($"Table {name} does not support deletion vectors (protocol reader {protocol.MinReaderVersion} / writer {protocol.MinWriterVersion} without the 'deletionVectors' feature); rewrite the affected files instead (copy-on-write).");
        }

        var partitionColumns = PartitionValueKeys(snapshot, metadata);
        var seen = new HashSet<FileKey>();
        foreach (var a in adds)
        {
            if (!seen.Add(a.Key))
            {
                throw new DeltaException($"The transaction adds '{a.Path}' twice with the same deletion vector; each logical file may be added once per commit.");
            }

            if (a.PartitionValues.Count != partitionColumns.Count || partitionColumns.Any(c => !a.PartitionValues.ContainsKey(c)))
            {
                throw new DeltaException($"File '{a.Path}' has partition values for [{string.Join(", ", a.PartitionValues.Keys)}] but table {name} is partitioned by [{string.Join(", ", partitionColumns)}].");
            }
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var isBlindAppend = removes.Count == 0 && footprint.ReadPaths.Count == 0 && footprint.ReadPredicate is null && newMetadata is null;
        var actions = new List<DeltaAction>(adds.Count + removes.Count + 5)
        {
            new CommitInfoAction(now, Operation, OperationParameters ?? new Dictionary<string, string>(), BuildMetrics(retries), options.EngineInfo, null, snapshot.Version, isBlindAppend, Guid.NewGuid().ToString(), "{\"isolationLevel\":\"WriteSerializable\"}"),
        };
        if (newProtocol is not null)
        {
            actions.Add(newProtocol);
        }

        if (newMetadata is not null)
        {
            actions.Add(newMetadata);
        }

        if (appTransaction is not null)
        {
            actions.Add(appTransaction with { LastUpdated = now });
        }

        actions.AddRange(domainMetadata);
        actions.AddRange(removes);
        actions.AddRange(adds);
        return actions;
    }

    /// <summary>
    /// The keys add actions must use in partitionValues: PROTOCOL.md keys them by physical name under column mapping
    /// (any mode), by the logical partition column otherwise.
    /// </summary>
    private static List<string> PartitionValueKeys(Snapshot snapshot, MetadataAction metadata)
    {
        var keys = new List<string>(metadata.PartitionColumns.Count);
        if (metadata.PartitionColumns.Count == 0)
        {
            return keys;
        }

        var mapped = metadata.GetConfiguration("delta.columnMapping.mode") is "name" or "id";
        var schema = ReferenceEquals(metadata, snapshot.Metadata) ? snapshot.Schema : Schema.SchemaJson.Parse(metadata.SchemaString
            ?? throw new Schema.DeltaSchemaException("The new metaData action has no schemaString; a table's metadata must carry its schema."));
        foreach (var column in metadata.PartitionColumns)
        {
            keys.Add(mapped && schema.FindField(column) is { } field ? field.PhysicalName : column);
        }

        return keys;
    }

    /// <summary>
    /// A snapshot older than the log retention may predate a log cleanup; then the next version's file may have been
    /// deleted and a conditional create would wrongly succeed below the newest checkpoint. For snapshots older than
    /// <see cref="CommitOptions.StaleSnapshotAge"/>, one HEAD proves the read version's commit still exists.
    /// </summary>
    private async Task EnsureNotStaleBeyondCleanupAsync(CancellationToken cancellationToken)
    {
        var age = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - ReadSnapshot.Timestamp;
        if (age < options.StaleSnapshotAge.TotalMilliseconds)
        {
            return;
        }

        if (await log.Table.Store.HeadAsync(log.Table.CommitPath(ReadSnapshot.Version), cancellationToken).ConfigureAwait(false) is null)
        {
            throw new DeltaLogException($"This transaction read version {ReadSnapshot.Version}, whose commit file has since been removed by log cleanup; committing on top of it could be lost below a newer checkpoint. Reload the table (DeltaTable.OpenAsync) and rerun the operation.");
        }
    }

    private Dictionary<string, string> BuildMetrics(int retries)
    {
        long outputRows = 0;
        long outputBytes = 0;
        var newFiles = 0;
        foreach (var a in adds)
        {
            if (footprint.ChangedPaths.Contains(DeltaPath.Decode(a.Path)))
            {
                continue;
            }

            newFiles++;
            outputBytes += a.Size;
            outputRows += StatsNumRecords(a.Stats) ?? 0;
        }

        var m = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["numAddedFiles"] = Str(newFiles),
            ["numRemovedFiles"] = Str(removes.Count - dvsAdded),
            ["numOutputRows"] = Str(outputRows),
            ["numOutputBytes"] = Str(outputBytes),
            ["numDeletedRows"] = Str(deletedRowsFromDvUpdates),
            ["numDeletionVectorsAdded"] = Str(dvsAdded),
            ["numDeletionVectorsRemoved"] = Str(dvsRemoved),
            ["executionTimeMs"] = Str(clock.ElapsedMilliseconds),
            ["commitRetries"] = Str(retries),
        };
        foreach (var (k, v) in metrics)
        {
            m[k] = Str(v);
        }

        return m;
    }

    /// <summary>After a lost race: reads the winners, checks conflicts, and rebases or redoes. Returns a final result when the commit turns out to be a replay.</summary>
    private async Task<CommitResult?> ResolveLostRaceAsync(CancellationToken cancellationToken)
    {
        var from = ReadSnapshot.Version + 1;
        var latest = await log.UpdateAsync(ReadSnapshot, cancellationToken).ConfigureAwait(false);
        if (latest.Version < from)
        {
            // The race was lost, yet the winning commit is unreadable: the log was cleaned up past our read version.
            throw new DeltaLogException($"Lost the race for version {from} but commit {from} cannot be read; the log was cleaned up past this transaction's read version {ReadSnapshot.Version}. Reload the table and rerun the operation.");
        }

        CommitConflictException? conflict = null;
        for (var v = from; v <= latest.Version && conflict is null; v++)
        {
            var winner = await log.ReadCommitAsync(v, cancellationToken).ConfigureAwait(false);
            if (appTransaction is not null && winner.OfType<TransactionAction>().FirstOrDefault(t => t.AppId == appTransaction.AppId) is { } theirs && theirs.Version >= appTransaction.Version)
            {
                // The same batch was committed by a concurrent replay: this one is a no-op.
                ReadSnapshot = latest;
                LogReplaySkipped(appTransaction.AppId, appTransaction.Version, theirs.Version);
                return new CommitResult(CommitOutcome.AlreadyCommitted, latest.Version, latest, 0, false, new Dictionary<string, double>());
            }

            conflict = ConflictChecker.Check(footprint, v, winner);
        }

        if (conflict is null)
        {
            ReadSnapshot = latest;
            return null;
        }

        var redoable = conflict.Kind is ConflictKind.ConcurrentAppend or ConflictKind.ConcurrentDeleteRead or ConflictKind.ConcurrentDeleteDelete or ConflictKind.ConcurrentDomainMetadata;
        if (!redoable || redo is null)
        {
            LogConflict(conflict.Kind, conflict.WinningVersion);
            throw conflict;
        }

        LogRedo(conflict.Kind, conflict.WinningVersion);
        ReadSnapshot = latest;
        adds.Clear();
        removes.Clear();
        footprint.ReadPaths.Clear();
        footprint.ChangedPaths.Clear();
        footprint.WrittenDomains.Clear();
        domainMetadata.Clear();
        deletedRowsFromDvUpdates = 0;
        dvsAdded = 0;
        dvsRemoved = 0;
        await redo(this, latest, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async Task<bool> PostCommitAsync(Snapshot committed, CancellationToken cancellationToken)
    {
        if (options.CheckpointInterval <= 0 || committed.Version == 0 || committed.Version % options.CheckpointInterval != 0 || log.CheckpointFormat is null)
        {
            return false;
        }

        try
        {
            var last = await log.CheckpointFormat.WriteAsync(committed, cancellationToken).ConfigureAwait(false);
            await log.Table.Store.PutAsync(log.Table.LastCheckpointPath, last.ToJson(), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is IOException or DeltaException or InvalidOperationException or NotSupportedException)
        {
            // The commit is durable already; a missing checkpoint only slows readers down, so it must not fail the write.
            LogCheckpointFailed(e, committed.Version);
            return false;
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var ms = Math.Min(options.MaxBackoff.TotalMilliseconds, options.InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 16)));
        return TimeSpan.FromMilliseconds(ms * (0.5 + (Random.Shared.NextDouble() * 0.5)));
    }

    /// <summary>The statistics with tightBounds false: once rows are deleted, min/max may describe rows no longer there.</summary>
    internal static string? WideBounds(string? stats)
    {
        if (stats is null)
        {
            return null;
        }

        try
        {
            if (JsonNode.Parse(stats) is JsonObject o)
            {
                o["tightBounds"] = false;
                return o.ToJsonString();
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Unparseable stats carry no information; dropping them is always safe for readers.
        }

        return null;
    }

    internal static long? StatsNumRecords(string? stats)
    {
        if (stats is null)
        {
            return null;
        }

        var i = stats.IndexOf("\"numRecords\":", StringComparison.Ordinal);
        if (i < 0)
        {
            return null;
        }

        i += "\"numRecords\":".Length;
        var j = i;
        while (j < stats.Length && (char.IsDigit(stats[j]) || stats[j] == '-'))
        {
            j++;
        }

        return long.TryParse(stats.AsSpan(i, j - i), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    private static string Str(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static void Accumulate(Dictionary<string, double> timings, string stage, long start)
    {
        var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        timings[stage] = timings.TryGetValue(stage, out var prior) ? prior + ms : ms;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Committed version {Version} ({Operation}) after {Retries} retries")]
    private partial void LogCommitted(long version, string operation, int retries);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Lost the race for version {Version}; rebased without conflict (retry {Retry})")]
    private partial void LogRetry(long version, int retry);

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped commit: application {AppId} version {AppVersion} is already committed (table has {CommittedVersion})")]
    private partial void LogReplaySkipped(string appId, long appVersion, long committedVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Commit conflict {Kind} with version {WinningVersion}")]
    private partial void LogConflict(ConflictKind kind, long winningVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Commit conflict {Kind} with version {WinningVersion}; redoing the operation on the new snapshot")]
    private partial void LogRedo(ConflictKind kind, long winningVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkpoint at version {Version} failed; the commit stands and readers replay JSON commits instead")]
    private partial void LogCheckpointFailed(Exception exception, long version);
}
