using Microsoft.Extensions.Logging;
using Serverless.Cdc.Capture;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Preflight;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Snapshot;
using Serverless.Cdc.Writer;
using Serverless.Delta;
using Serverless.Delta.Actions;
using Serverless.Delta.Log;
using Serverless.Delta.Schema;
using Serverless.Delta.Transactions;
using Serverless.MySql.Client;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.Jobs;
using Serverless.Orchestrations.Lake;
using DeltaSnapshot = Serverless.Delta.Log.Snapshot;

namespace Serverless.Orchestrations.Streaming;

/// <summary>
/// Serves one re-snapshot request while the stream runs: reads the binlog position, discovers the table just after it,
/// maps it, plans and reads its chunks with the snapshot's <see cref="ChunkPlanner"/> and <see cref="ChunkReader"/> (into
/// the lake table's folder, as new files nothing references yet), and publishes them in one Delta commit: the new metaData
/// (the schema as discovered, under column mapping with new column ids, the source schema and the discovery position
/// recorded), every old file removed, the new files added, the job's merge-tombstone domain cleared and the completion mark
/// at the requested epoch. Readers see the old table or the new one, never a mix. A table renamed into the job gets its lake
/// table created first (held, incomplete). Idempotent: a request already published is only deleted; a crash before the
/// commit leaves the files it uploaded unreferenced (vacuum removes them) and the next attempt reads the table afresh.
/// </summary>
internal sealed partial class TableResnapshot(JobEnvironment job, StreamMonitor monitor, IEnumerable<IChunkReadObserver> observers, ILogger logger)
{
    private const string MergeDomainPrefix = "serverless.";

    public async Task<bool> ServeAsync(SnapshotRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var requests = new SnapshotRequestStore(job.StateStore, job.JobName);
        var lakeName = job.Spec.Target.Naming.LakeTableName(request.Database, request.Table);
        var location = job.Tables.Location(lakeName);
        var exists = await job.Tables.ExistsAsync(lakeName, cancellationToken).ConfigureAwait(false);
        if (exists)
        {
            var current = (await DeltaTable.OpenAsync(location, cancellationToken: cancellationToken).ConfigureAwait(false)).Snapshot;
            if (SnapshotCompletion.MarkedEpoch(current) >= request.Epoch)
            {
                // Published before a crash (or the table was created again by its CREATE meanwhile): nothing left to do.
                await requests.DeleteAsync(request, cancellationToken).ConfigureAwait(false);
                monitor.ResnapshotEnded(request.QualifiedTable);
                return true;
            }

            if (SnapshotCompletion.RequiredEpoch(current) < request.Epoch)
            {
                // The writer records the request before it holds the table in the lake; until then the table is still written.
                return false;
            }
        }

        monitor.ResnapshotProgress(request, "discovering", 0, 0);
        var connection = await job.OpenSourceAsync("resnapshot " + request.QualifiedTable, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var generation = (await new CaptureCheckpointStore(job.StateStore, job.JobName).ReadAsync(cancellationToken).ConfigureAwait(false))?.SourceGeneration ?? 0;

            // Every change of the table below this position is older than every chunk read below (each is read after it).
            var position = await StartPositionReader.ReadAsync(connection, cancellationToken).ConfigureAwait(false);
            var discovery = new SourcePosition(generation, position.ToBinlogPosition()).SortKey;
            var discovered = await SchemaDiscovery.DiscoverAsync(connection, job.Spec.Tables, job.Spec.KeyOverrides, logger, cancellationToken).ConfigureAwait(false);
            var table = discovered.FirstOrDefault(t => string.Equals(t.Database, request.Database, StringComparison.OrdinalIgnoreCase) && string.Equals(t.Name, request.Table, StringComparison.OrdinalIgnoreCase));
            if (table is null)
            {
                LogSourceGone(logger, request.QualifiedTable);
                monitor.ResnapshotProgress(request, "waiting: the table is not at the source (or no longer matches the job's tables)", 0, 0);
                return false;
            }

            if (!table.HasKey)
            {
                LogNoKey(logger, request.QualifiedTable);
                monitor.ResnapshotProgress(request, "waiting: the table has no primary key or unique NOT NULL key; add a key override for it in the job spec ('keys')", 0, 0);
                return false;
            }

            var mapping = TypeMapper.Map(table, job.Spec.Types, job.Spec.Target.SoftDelete);
            if (!exists)
            {
                // Renamed into the job: its lake table is created held (no completion mark) with its writer's txn just
                // before the rename, so a restarted writer reads it from there.
                await new LakeSchemaMigrator(job.Tables, logger).MigrateAsync(mapping, lakeName, job.Spec.Target.WriteMode, job.JobName, cancellationToken).ConfigureAwait(false);
                var created = await DeltaTable.OpenAsync(location, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (created.Snapshot.GetAppTransactionVersion(WriterOptions.AppIdFor(request.Partition)) is null && request.HeldFrom > 0)
                {
                    await created.CommitAsync(created.BeginTransaction("STREAMING UPDATE").SetAppTransaction(WriterOptions.AppIdFor(request.Partition), request.HeldFrom - 1), cancellationToken).ConfigureAwait(false);
                }
            }

            var lake = await DeltaTable.OpenAsync(location, logger: job.LoggerFactory.CreateLogger<DeltaTable>(), cancellationToken: cancellationToken).ConfigureAwait(false);
            var change = SchemaEvolution.ReplaceSchema(lake.Snapshot, mapping.DeltaFields, LakeSnapshotRecord.Properties(lake.Snapshot.Metadata.Configuration, table, discovery));
            var shaped = SchemaEvolution.Preview(lake.Snapshot, change);
            var fileMapping = mapping.ForLakeTable(shaped.Schema.Fields, columnMapping: shaped.ColumnMapping != ColumnMappingMode.None);

            var chunks = await new ChunkPlanner(logger).PlanAsync(connection, table, ChunkPlanner.RowsPerChunk(table, job.Spec.Snapshot.ChunkRows, job.Spec.Snapshot.ChunkBytes), cancellationToken).ConfigureAwait(false);
            var method = connection.ServerVersion.Flavor == MySqlServerFlavor.MariaDb ? SnapshotPositionMethod.ConsistentSnapshotStatus : SnapshotPositionMethod.LogStatus;
            var reader = new ChunkReader(job.Source with { Name = $"serverless {job.JobName} resnapshot" }, job.Lake, new ChunkReaderOptions
            {
                TargetFileBytes = job.Spec.Snapshot.TargetFileBytes,
                Types = job.Spec.Types,
                PositionMethod = method,
                SourceGeneration = generation,
            }, logger);
            var files = new List<ChunkFile>();
            long rows = 0;
            for (var i = 0; i < chunks.Count; i++)
            {
                monitor.ResnapshotProgress(request, "reading", i, chunks.Count);
                foreach (var observer in observers)
                {
                    await observer.OnChunkReadStartingAsync(new ReadChunkInput(job.JobName, table, lakeName, chunks[i], method), cancellationToken).ConfigureAwait(false);
                }

                var read = await reader.ReadAsync(chunks[i], fileMapping, lakeName, cancellationToken).ConfigureAwait(false);
                files.AddRange(read.Files);
                rows += read.Rows;
            }

            monitor.ResnapshotProgress(request, "publishing", chunks.Count, chunks.Count);
            var version = await PublishAsync(lake, change, files, request, rows, cancellationToken).ConfigureAwait(false);
            job.Tables.Invalidate(lakeName);
            await job.State.SaveTableAsync(new TableSnapshotState
            {
                SourceTable = table.QualifiedName,
                LakeTable = lakeName,
                Phase = TablePhase.SnapshotComplete,
                Chunks = chunks.Count,
                Rows = rows,
                Files = files.Count,
                Bytes = files.Sum(f => f.SizeBytes),
                LakeVersion = version,
                CompletedAtUtc = DateTime.UtcNow,
            }, cancellationToken).ConfigureAwait(false);
            await requests.DeleteAsync(request, cancellationToken).ConfigureAwait(false);
            monitor.ResnapshotEnded(request.QualifiedTable);
            LogPublished(logger, request.QualifiedTable, lakeName, request.Epoch, version, chunks.Count, rows, files.Count, position.ToString());
            return true;
        }
    }

    /// <summary>The one commit that replaces the table; on a lost race (a compaction that was in flight) it is staged again on the newer table.</summary>
    private static async Task<long> PublishAsync(DeltaTable lake, SchemaEvolution.Change change, List<ChunkFile> files, SnapshotRequest request, long rows, CancellationToken cancellationToken)
    {
        var prefix = lake.Location.RootPath;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var adds = files.Select(f => new AddFile(DeltaPath.Encode(f.Path[prefix.Length..]), new Dictionary<string, string?>(), f.SizeBytes, now, DataChange: true, Stats: f.DeltaStats)).ToList();

        void Stage(DeltaTransaction tx, DeltaSnapshot snapshot)
        {
            foreach (var old in snapshot.Files)
            {
                tx.Remove(old);
            }

            foreach (var add in adds)
            {
                tx.Add(add);
            }

            foreach (var domain in snapshot.DomainMetadata.Keys.Where(d => d.StartsWith(MergeDomainPrefix, StringComparison.Ordinal)))
            {
                // Tombstones of keys the new rows know nothing of would hide newer inserts.
                tx.SetDomainMetadata(domain, string.Empty, removed: true);
            }
        }

        var tx = lake.BeginTransaction("WRITE")
            .WithOperation("WRITE", new Dictionary<string, string> { ["mode"] = "Overwrite", ["source"] = "resnapshot", ["reason"] = request.Reason.Length <= 1000 ? request.Reason : request.Reason[..1000] })
            .UpdateMetadata(change.Metadata);
        if (change.Protocol is not null)
        {
            tx.UpdateProtocol(change.Protocol);
        }

        Stage(tx, lake.Snapshot);
        tx.SetAppTransaction(SnapshotCompletion.AppId, request.Epoch)
            .SetMetric("numFiles", files.Count)
            .SetMetric("numOutputRows", rows)
            .SetMetric("numOutputBytes", files.Sum(f => f.SizeBytes))
            .OnConflictRedo((redo, snapshot, _) =>
            {
                Stage(redo, snapshot);
                return Task.CompletedTask;
            });
        var result = await lake.CommitAsync(tx, cancellationToken).ConfigureAwait(false);
        return result.Version;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Table} snapshotted again into {LakeTable} (epoch {Epoch}, version {Version}): {Chunks} chunks, {Rows} rows, {Files} files, discovered at {Position}")]
    private static partial void LogPublished(ILogger logger, string table, string lakeTable, long epoch, long version, int chunks, long rows, int files, string position);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Table} has a re-snapshot request but is not at the source (or no longer matches the job's tables); its writer keeps holding it")]
    private static partial void LogSourceGone(ILogger logger, string table);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Table} cannot be snapshotted again: it has no primary key or unique NOT NULL key; add a key override for it in the job spec ('keys')")]
    private static partial void LogNoKey(ILogger logger, string table);
}
