using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Serverless.Delta.Actions;
using Serverless.Delta.DataFiles;
using Serverless.Delta.DeletionVectors;
using Serverless.Delta.Log;
using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;
using Serverless.Delta.Transactions;
using Serverless.Parquet;

namespace Serverless.Delta.Merge;

/// <summary>
/// Applies batches of keyed row versions to a table by DESIGN.md's merge rule: per key the version with the highest
/// source position wins (the later one within a batch on a tie), whether it is already in the table or arrives now, so
/// snapshot rows and binlog changes may come in either order. Live rows are found through per-file min/max key
/// statistics, then the candidate files' key and position columns, read once per writer and cached by path (data
/// files never change). Merge-on-read writes the winners to one new file and marks superseded rows in deletion vectors
/// (united with the existing ones); copy-on-write rewrites the touched files. Deletes retire the live row and, while
/// <see cref="MergeOptions.KeepTombstones"/> is on, are kept as tombstones (see <see cref="MergeTombstones"/>) so an
/// older row arriving later cannot resurrect the key. Each batch commits atomically with a txn (appId, version), so a
/// replayed batch is a no-op; a lost race redoes the merge against the new snapshot. Partitioned tables are not supported.
/// </summary>
public sealed class MergeWriter
{
    private readonly DeltaTable table;
    private readonly MergeOptions options;
    private readonly ConcurrentDictionary<string, FileKeyIndex> indexes = new(StringComparer.Ordinal);

    public MergeWriter(DeltaTable table, MergeOptions options)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        if (options.KeyColumns.Count == 0)
        {
            throw new ArgumentException("A merge needs at least one key column.", nameof(options));
        }

        this.table = table;
        this.options = options;
    }

    /// <summary>Candidate files whose key and position columns are cached.</summary>
    public int CachedFiles => indexes.Count;

    /// <summary>An empty batch of the table's columns as they are now, for changes appended column by column (<see cref="ChangeColumns"/>).</summary>
    public ChangeColumns NewBatch(int capacity = 1024) => new(Layout.Of(table.Snapshot, options).FileSchema, capacity);

    /// <summary>Merges <paramref name="changes"/> as batch <paramref name="batchVersion"/> of <paramref name="appId"/> (skipped when that version is committed already).</summary>
    public Task<MergeResult> MergeAsync(IReadOnlyList<RowChange> changes, string appId, long batchVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentException.ThrowIfNullOrEmpty(appId);
        if (IsCommitted(appId, batchVersion) is { } skipped)
        {
            return Task.FromResult(skipped);
        }

        var layout = Layout.Of(table.Snapshot, options);
        var batch = new ChangeColumns(layout.FileSchema, changes.Count);
        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            if (change.Row.Length != layout.Fields.Count)
            {
                throw new ArgumentException($"Change {i} has {change.Row.Length} values; the table has {layout.Fields.Count} columns ({string.Join(", ", layout.Fields.Select(f => f.Name))}).", nameof(changes));
            }

            batch.Add(change);
        }

        return MergeAsync(batch, appId, batchVersion, cancellationToken);
    }

    /// <summary>
    /// Merges the rows of <paramref name="changes"/> (made by <see cref="NewBatch"/>) as batch <paramref name="batchVersion"/>
    /// of <paramref name="appId"/> (skipped when that version is committed already). The batch is only read.
    /// </summary>
    public async Task<MergeResult> MergeAsync(ChangeColumns changes, string appId, long batchVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentException.ThrowIfNullOrEmpty(appId);
        if (IsCommitted(appId, batchVersion) is { } skipped)
        {
            return skipped;
        }

        if (options.KeepTombstones && !table.Snapshot.Protocol.HasWriterFeature(TableFeatures.DomainMetadata))
        {
            await EnableDomainMetadataAsync(cancellationToken).ConfigureAwait(false);
        }

        var layout = Layout.Of(table.Snapshot, options);
        var winners = Reduce(changes, layout);
        var tx = table.BeginTransaction("MERGE").WithOperation("MERGE", new Dictionary<string, string>
        {
            ["predicate"] = "key = source key and source position > target position",
            ["mode"] = ModeOf(table.Snapshot) == MergeMode.MergeOnRead ? "merge-on-read" : "copy-on-write",
        });
        tx.SetAppTransaction(appId, batchVersion);
        var staged = await StageAsync(tx, table.Snapshot, changes, winners, cancellationToken).ConfigureAwait(false);
        tx.OnConflictRedo(async (redo, snapshot, ct) => staged = await StageAsync(redo, snapshot, changes, Reduce(changes, Layout.Of(snapshot, options)), ct).ConfigureAwait(false));
        var commit = await table.CommitAsync(tx, cancellationToken).ConfigureAwait(false);
        ForgetRemovedFiles(commit.Snapshot);
        return commit.Outcome == CommitOutcome.AlreadyCommitted
            ? new MergeResult(commit, 0, 0, 0, 0, 0)
            : new MergeResult(commit, staged.RowsWritten, staged.RowsDeleted, staged.Dropped, staged.FilesTouched, staged.Tombstones) { DataFileMilliseconds = staged.DataFileMilliseconds };
    }

    /// <summary>The result of a batch the table already has (its txn version is at or past <paramref name="batchVersion"/>), or null.</summary>
    private MergeResult? IsCommitted(string appId, long batchVersion)
    {
        if (table.Snapshot.GetAppTransactionVersion(appId) is { } done && done >= batchVersion)
        {
            var skipped = new CommitResult(CommitOutcome.AlreadyCommitted, table.Snapshot.Version, table.Snapshot, 0, false, new Dictionary<string, double>());
            return new MergeResult(skipped, 0, 0, 0, 0, 0);
        }

        return null;
    }

    private MergeMode ModeOf(Snapshot snapshot) =>
        options.Mode ?? (snapshot.Protocol.HasWriterFeature(TableFeatures.DeletionVectors) ? MergeMode.MergeOnRead : MergeMode.CopyOnWrite);

    /// <summary>Tombstones are a domainMetadata action, which needs the writer feature; added once, in a commit of its own.</summary>
    private async Task EnableDomainMetadataAsync(CancellationToken cancellationToken)
    {
        var p = table.Snapshot.Protocol;
        var writerFeatures = new List<string>(p.WriterFeatures ?? (p.MinWriterVersion >= 7 ? [] : LegacyWriterFeatures(p.MinWriterVersion)));
        writerFeatures.Add(TableFeatures.DomainMetadata);
        var readerFeatures = p.MinReaderVersion >= 3 ? p.ReaderFeatures : null;
        var upgraded = new ProtocolAction(p.MinReaderVersion, 7, readerFeatures, writerFeatures);
        var tx = table.BeginTransaction("UPGRADE PROTOCOL").WithOperation("UPGRADE PROTOCOL", new Dictionary<string, string> { ["newProtocol"] = "domainMetadata (merge tombstones)" });
        tx.UpdateProtocol(upgraded);
        try
        {
            await table.CommitAsync(tx, cancellationToken).ConfigureAwait(false);
        }
        catch (CommitConflictException e) when (e.Kind == ConflictKind.ProtocolChanged)
        {
            // A concurrent writer upgraded first.
            await table.RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The features a legacy writer version implies (PROTOCOL.md), kept when moving to writer version 7.</summary>
    private static List<string> LegacyWriterFeatures(int writerVersion)
    {
        var features = new List<string>();
        if (writerVersion >= 2)
        {
            features.Add(TableFeatures.AppendOnly);
            features.Add(TableFeatures.Invariants);
        }

        if (writerVersion >= 3)
        {
            throw new DeltaException($"The table has legacy writer version {writerVersion}; enabling merge tombstones (domainMetadata) on it needs its implied features listed explicitly. Upgrade the table to writer version 7 first, or merge with KeepTombstones off.");
        }

        return features;
    }

    /// <summary>Per key, the row of the change with the highest position (the later one on a tie).</summary>
    private static Dictionary<MergeKey, (int Row, object Position)> Reduce(ChangeColumns changes, Layout layout)
    {
        if (!changes.Fits(layout.FileSchema))
        {
            throw new DeltaException(
                $"The batch's columns ({string.Join(", ", changes.Schema.Columns.Select(c => c.Name))}) are not those of table {layout.Table} ({string.Join(", ", layout.FileSchema.Columns.Select(c => c.Name))}): " +
                "its schema changed after the batch was made. Make a new batch (MergeWriter.NewBatch) and append the changes to it again.");
        }

        var winners = new Dictionary<MergeKey, (int Row, object Position)>(changes.Count);
        var positions = changes.Columns[layout.PositionIndex];
        var positionType = layout.Fields[layout.PositionIndex].Type;
        for (var i = 0; i < changes.Count; i++)
        {
            var key = layout.KeyOf(changes, i);
            var position = Layout.Canonical(positions.GetValue(i), positionType)
                ?? throw new ArgumentException($"Change {i} (key {key}) has no value in position column '{layout.Fields[layout.PositionIndex].Name}'.", nameof(changes));
            if (!winners.TryGetValue(key, out var current) || DeltaValues.Compare(position, current.Position) >= 0)
            {
                winners[key] = (i, position);
            }
        }

        return winners;
    }

    private async Task<StagedMerge> StageAsync(DeltaTransaction tx, Snapshot snapshot, ChangeColumns changes, Dictionary<MergeKey, (int Row, object Position)> winners, CancellationToken cancellationToken)
    {
        var layout = Layout.Of(snapshot, options);
        var mode = ModeOf(snapshot);
        if (mode == MergeMode.MergeOnRead && !snapshot.Protocol.HasWriterFeature(TableFeatures.DeletionVectors))
        {
            throw new DeltaException($"Table {snapshot.Describe()} has no deletionVectors feature, so it cannot be merged on read; use MergeMode.CopyOnWrite.");
        }

        var tombstones = MergeTombstones.Read(snapshot, layout.KeyFields, layout.PositionField);
        var candidates = PlanCandidates(snapshot, layout, winners.Keys, out var scan);
        tx.ReadWhere(scan.MayMatch);

        // Live occurrences of the batch's keys: file, row, position (live[i] belongs to batch[i]).
        var batch = winners.ToArray();
        var live = new LiveRows[batch.Length];
        var rows = new List<int>();
        foreach (var file in candidates)
        {
            var index = await IndexAsync(snapshot, file, layout, cancellationToken).ConfigureAwait(false);
            var dv = file.DeletionVector is null ? null : await DeletionVectorStore.ReadAsync(snapshot.Table, file.DeletionVector, cancellationToken).ConfigureAwait(false);
            var matched = false;
            for (var i = 0; i < batch.Length; i++)
            {
                index.FindRows(batch[i].Key, rows);
                foreach (var row in rows)
                {
                    if (dv is not null && dv.Contains(row))
                    {
                        continue;
                    }

                    live[i].Add(file, row, index.PositionAt(row));
                    matched = true;
                }
            }

            if (matched)
            {
                tx.ReadFile(file);
            }
        }

        var retired = new Dictionary<AddFile, RoaringBitmapArray>(ReferenceEqualityComparer.Instance);
        var inserts = new List<int>();
        long dropped = 0;
        var tombstonesChanged = false;
        for (var i = 0; i < batch.Length; i++)
        {
            var (key, (row, position)) = batch[i];
            if (tombstones.TryGetValue(key, out var deletedAt) && DeltaValues.Compare(position, deletedAt) <= 0)
            {
                dropped++;
                continue;
            }

            object? livePosition = null;
            var occurrences = live[i];
            for (var o = 0; o < occurrences.Count; o++)
            {
                if (occurrences[o].Position is { } p && (livePosition is null || DeltaValues.Compare(p, livePosition) > 0))
                {
                    livePosition = p;
                }
            }

            if (livePosition is not null && DeltaValues.Compare(position, livePosition) <= 0)
            {
                dropped++;
                continue;
            }

            for (var o = 0; o < occurrences.Count; o++)
            {
                var (file, liveRow, _) = occurrences[o];
                if (!retired.TryGetValue(file, out var bitmap))
                {
                    retired[file] = bitmap = new RoaringBitmapArray();
                }

                bitmap.Add(liveRow);
            }

            if (changes.IsDelete(row))
            {
                if (options.KeepTombstones)
                {
                    tombstones[key] = position;
                    tombstonesChanged = true;
                }
            }
            else
            {
                inserts.Add(row);
                tombstonesChanged |= tombstones.Remove(key);
            }
        }

        long rowsDeleted = 0;
        foreach (var bitmap in retired.Values)
        {
            rowsDeleted += bitmap.Cardinality;
        }

        var writer = new DataFileWriter(snapshot);
        var dataFileStart = Stopwatch.GetTimestamp();
        if (mode == MergeMode.MergeOnRead)
        {
            await RetireWithDeletionVectorsAsync(tx, snapshot, retired, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await RewriteAsync(tx, snapshot, writer, layout, retired, cancellationToken).ConfigureAwait(false);
        }

        if (inserts.Count > 0)
        {
            tx.Add(await writer.WriteAsync(ToBatch(writer, layout, changes, inserts), null, cancellationToken).ConfigureAwait(false));
        }

        var dataFileMilliseconds = Stopwatch.GetElapsedTime(dataFileStart).TotalMilliseconds;

        if (!options.KeepTombstones && snapshot.DomainMetadata.ContainsKey(MergeTombstones.Domain))
        {
            tx.SetDomainMetadata(MergeTombstones.Domain, string.Empty, removed: true);
            tombstones.Clear();
        }
        else if (tombstonesChanged)
        {
            tx.SetDomainMetadata(MergeTombstones.Domain, MergeTombstones.Write(tombstones, layout.KeyFields, layout.PositionField));
        }

        tx.SetMetric("numSourceRows", winners.Count)
            .SetMetric("numTargetRowsInserted", inserts.Count)
            .SetMetric("numTargetRowsDeleted", rowsDeleted)
            .SetMetric("numSourceRowsDropped", dropped)
            .SetMetric("numTombstones", tombstones.Count);
        return new StagedMerge(inserts.Count, rowsDeleted, dropped, retired.Count, tombstones.Count, dataFileMilliseconds);
    }

    private static List<AddFile> PlanCandidates(Snapshot snapshot, Layout layout, IEnumerable<MergeKey> keys, out DeltaScan scan)
    {
        scan = new DeltaScan(snapshot);
        for (var k = 0; k < layout.KeyFields.Count; k++)
        {
            object? min = null;
            object? max = null;
            foreach (var key in keys)
            {
                var v = key.Values[k];
                if (v is null || v is byte[] || v is bool)
                {
                    continue;
                }

                if (min is null || DeltaValues.Compare(v, min) < 0)
                {
                    min = v;
                }

                if (max is null || DeltaValues.Compare(v, max) > 0)
                {
                    max = v;
                }
            }

            if (min is not null)
            {
                scan.WhereBetween(layout.KeyFields[k].Name, min, max);
            }
        }

        var planned = scan.PlanFiles();
        var candidates = planned as List<AddFile> ?? [.. planned];

        // The batch's overall key range can span files that hold none of its keys (deletes of old keys and inserts of
        // new ones in one batch span the whole table): such files need not be indexed. The read predicate stays the range.
        if (candidates.Count <= 1 || snapshot.Metadata.PartitionColumns.Count > 0)
        {
            return candidates;
        }

        var firstKeys = new List<object>();
        foreach (var key in keys)
        {
            if (key.Values[0] is not { } v || v is byte[] || v is bool)
            {
                return candidates;
            }

            firstKeys.Add(v);
        }

        firstKeys.Sort(DeltaValues.Compare);
        candidates.RemoveAll(file => !DeltaScan.MayHoldAny(file, layout.KeyFields[0], firstKeys));
        return candidates;
    }

    private async Task<FileKeyIndex> IndexAsync(Snapshot snapshot, AddFile file, Layout layout, CancellationToken cancellationToken)
    {
        var path = DeltaPath.Decode(file.Path);
        if (indexes.TryGetValue(path, out var cached))
        {
            return cached;
        }

        var built = await FileKeyIndex.BuildAsync(snapshot, file, layout.KeyFields, layout.PositionField, cancellationToken).ConfigureAwait(false);
        return indexes.GetOrAdd(path, built);
    }

    /// <summary>Drops the cached indexes of files the table no longer has (rewritten or compacted away), so the cache stays as large as the table.</summary>
    private void ForgetRemovedFiles(Snapshot snapshot)
    {
        foreach (var path in indexes.Keys)
        {
            if (snapshot.FindFile(path) is null)
            {
                indexes.TryRemove(path, out _);
            }
        }
    }

    private static async Task RetireWithDeletionVectorsAsync(DeltaTransaction tx, Snapshot snapshot, Dictionary<AddFile, RoaringBitmapArray> retired, CancellationToken cancellationToken)
    {
        if (retired.Count == 0)
        {
            return;
        }

        var files = retired.Keys.ToList();
        var combined = new List<RoaringBitmapArray>(files.Count);
        foreach (var file in files)
        {
            combined.Add((await DeletionVectorStore.CombineAsync(snapshot.Table, file, retired[file], cancellationToken).ConfigureAwait(false)).Combined);
        }

        // One DV file for every touched data file of this merge.
        var descriptors = await DeletionVectorStore.WriteFileAsync(snapshot.Table, combined, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < files.Count; i++)
        {
            tx.UpdateDeletionVector(files[i], descriptors[i]);
        }
    }

    private static async Task RewriteAsync(DeltaTransaction tx, Snapshot snapshot, DataFileWriter writer, Layout layout, Dictionary<AddFile, RoaringBitmapArray> retired, CancellationToken cancellationToken)
    {
        var scan = new DeltaScan(snapshot).Select(layout.Fields.Select(f => f.Name).ToArray());
        foreach (var (file, superseded) in retired)
        {
            var kept = new ParquetRowBatch(writer.ParquetSchema);
            long keptRows = 0;
            await foreach (var batch in scan.ReadFileAsync(file, cancellationToken).ConfigureAwait(false))
            {
                for (var r = 0; r < batch.RowCount; r++)
                {
                    if (batch.IsDeleted(r) || superseded.Contains(batch.FirstRowIndex + r))
                    {
                        continue;
                    }

                    for (var c = 0; c < layout.Fields.Count; c++)
                    {
                        CopyValue(batch, r, c, kept[c]);
                    }

                    keptRows++;
                }
            }

            tx.Remove(file);
            if (keptRows > 0)
            {
                tx.Add(await writer.WriteAsync(kept, null, cancellationToken).ConfigureAwait(false));
            }
        }
    }

    /// <summary>Copies one value buffer to buffer when the physical layouts agree (no boxing), else through the value API.</summary>
    private static void CopyValue(ScanBatch batch, int row, int column, ParquetColumnBuffer to)
    {
        var from = batch.GetBuffer(column);
        if (from is null || from.Column.PhysicalType != to.Column.PhysicalType || from.Column.IsDecimal != to.Column.IsDecimal
            || (from.Column.PhysicalType == ParquetPhysicalType.Int64 && !Equals(from.Column.LogicalType, to.Column.LogicalType)))
        {
            to.AppendValue(batch.GetValue(row, column));
            return;
        }

        if (from.IsNull(row))
        {
            to.AppendNull();
            return;
        }

        if (from.Column.IsDecimal)
        {
            to.Append(from.GetDecimal(row));
            return;
        }

        switch (from.Column.PhysicalType)
        {
            case ParquetPhysicalType.Boolean:
                to.Append(from.BooleanValues[row]);
                break;
            case ParquetPhysicalType.Int32:
                to.Append(from.Int32Values[row]);
                break;
            case ParquetPhysicalType.Int64:
                to.Append(from.Int64Values[row]);
                break;
            case ParquetPhysicalType.Float:
                to.Append(from.FloatValues[row]);
                break;
            case ParquetPhysicalType.Double:
                to.Append(from.DoubleValues[row]);
                break;
            default:
                to.Append(from.GetBytes(row));
                break;
        }
    }

    /// <summary>The data file's rows: rows <paramref name="rows"/> of the batch, copied column by column.</summary>
    private static ParquetRowBatch ToBatch(DataFileWriter writer, Layout layout, ChangeColumns changes, List<int> rows)
    {
        var selected = CollectionsMarshal.AsSpan(rows);
        var batch = new ParquetRowBatch(writer.ParquetSchema, rows.Count);
        var to = batch.ColumnBuffers;
        for (var c = 0; c < to.Length; c++)
        {
            var from = changes.Columns[c];
            if (to[c].Column.IsRequired && from.NullCount > 0)
            {
                foreach (var row in selected)
                {
                    if (from.IsNull(row))
                    {
                        throw writer.NullInNotNullColumn(c, $"the row with key {layout.DescribeKey(changes, row)}");
                    }
                }
            }

            to[c].AppendRows(from, selected);
        }

        return batch;
    }

    /// <summary>Where the key and position columns are in the table's rows.</summary>
    private sealed class Layout
    {
        private Layout(string table, ParquetSchema fileSchema, IReadOnlyList<StructField> fields, int[] keyIndexes, int positionIndex)
        {
            Table = table;
            FileSchema = fileSchema;
            Fields = fields;
            KeyIndexes = keyIndexes;
            PositionIndex = positionIndex;
            KeyFields = keyIndexes.Select(i => fields[i]).ToList();
            PositionField = fields[positionIndex];
        }

        /// <summary>The table, as error messages name it.</summary>
        public string Table { get; }

        /// <summary>The columns of the table's data files (<see cref="Fields"/> in order: the table has no partition columns).</summary>
        public ParquetSchema FileSchema { get; }

        public IReadOnlyList<StructField> Fields { get; }

        public int[] KeyIndexes { get; }

        public int PositionIndex { get; }

        public IReadOnlyList<StructField> KeyFields { get; }

        public StructField PositionField { get; }

        public static Layout Of(Snapshot snapshot, MergeOptions options)
        {
            if (snapshot.Metadata.PartitionColumns.Count > 0)
            {
                throw new DeltaException($"Table {snapshot.Describe()} is partitioned by [{string.Join(", ", snapshot.Metadata.PartitionColumns)}]; MergeWriter merges unpartitioned tables only.");
            }

            var fields = snapshot.Schema.Fields;
            int IndexOf(string name)
            {
                for (var i = 0; i < fields.Count; i++)
                {
                    if (string.Equals(fields[i].Name, name, StringComparison.OrdinalIgnoreCase))
                    {
                        return i;
                    }
                }

                throw new DeltaSchemaException($"Merge column '{name}' is not in table {snapshot.Describe()} (columns: {string.Join(", ", fields.Select(f => f.Name))}).");
            }

            return new Layout(snapshot.Describe(), new DataFileWriter(snapshot).ParquetSchema, fields, options.KeyColumns.Select(IndexOf).ToArray(), IndexOf(options.PositionColumn));
        }

        /// <summary>The key of row <paramref name="row"/> of the batch as <c>name=value, ...</c> (binary in hex), for error messages.</summary>
        public string DescribeKey(ChangeColumns changes, int row) => string.Join(", ", KeyIndexes.Select(i => Fields[i].Name + "=" + changes.Columns[i].GetValue(row) switch
        {
            null => "null",
            byte[] b => "0x" + Convert.ToHexString(b),
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            var v => v.ToString(),
        }));

        public MergeKey KeyOf(ChangeColumns changes, int row)
        {
            var values = new object?[KeyIndexes.Length];
            var columns = changes.Columns;
            for (var k = 0; k < values.Length; k++)
            {
                values[k] = Canonical(columns[KeyIndexes[k]].GetValue(row), Fields[KeyIndexes[k]].Type);
            }

            return new MergeKey(values);
        }

        /// <summary>
        /// The value as <see cref="DeltaValues.FromParquet"/> gives it for <paramref name="type"/>; a value that already has
        /// that form (a long for long, a wide decimal at the column's scale, ...) is returned as is instead of boxed anew.
        /// </summary>
        public static object? Canonical(object? value, DeltaType type) => value switch
        {
            long when type is PrimitiveType { Name: "long" } => value,
            int when type is PrimitiveType { Name: "integer" } => value,
            string when type is PrimitiveType { Name: "string" } => value,
            ParquetDecimal p when type is DecimalType d && !DeltaValues.FitsSystemDecimal(d) && p.Scale == d.Scale => value,
            _ => DeltaValues.FromParquet(value, type),
        };
    }

    /// <summary>What the staged actions of the last attempt do.</summary>
    private sealed record StagedMerge(long RowsWritten, long RowsDeleted, long Dropped, int FilesTouched, int Tombstones, double DataFileMilliseconds);
}
