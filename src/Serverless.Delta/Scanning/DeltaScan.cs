using System.Runtime.CompilerServices;
using System.Text.Json;
using Serverless.Delta.Actions;
using Serverless.Delta.DeletionVectors;
using Serverless.Delta.Log;
using Serverless.Delta.Schema;
using Serverless.Parquet;
using Serverless.Storage;

namespace Serverless.Delta.Scanning;

/// <summary>
/// Reads a snapshot's rows: live files only, deletion vectors applied, columns projected by logical name (mapped to
/// physical names under column mapping), files pruned by per-file min/max statistics and partition values.
/// </summary>
public sealed class DeltaScan
{
    private readonly Snapshot snapshot;
    private readonly List<(StructField Field, object? Min, object? Max)> ranges = [];
    private IReadOnlyList<StructField> columns;

    public DeltaScan(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        this.snapshot = snapshot;
        columns = snapshot.Schema.Fields.Where(f => !f.Type.Equals(PrimitiveType.Void)).ToList();
    }

    public IReadOnlyList<StructField> Columns => columns;

    /// <summary>Projects to these logical columns, in this order.</summary>
    public DeltaScan Select(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        columns = names.Select(n => snapshot.Schema.FindField(n) ?? throw new DeltaSchemaException($"Column '{n}' is not in the table (columns: {string.Join(", ", snapshot.Schema.Fields.Select(f => f.Name))}).")).ToList();
        return this;
    }

    /// <summary>Keeps only files whose statistics (or partition value) may hold values of <paramref name="column"/> in [min, max]; null bounds are open.</summary>
    public DeltaScan WhereBetween(string column, object? min, object? max)
    {
        var field = snapshot.Schema.FindField(column) ?? throw new DeltaSchemaException($"Column '{column}' is not in the table.");
        ranges.Add((field, min, max));
        return this;
    }

    /// <summary>The live files that survive pruning.</summary>
    public IReadOnlyList<AddFile> PlanFiles()
    {
        var result = new List<AddFile>(snapshot.Files.Count);
        foreach (var file in snapshot.Files)
        {
            if (MayMatch(file))
            {
                result.Add(file);
            }
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return result;
    }

    /// <summary>Batches (one per row group) of every planned file.</summary>
    public async IAsyncEnumerable<ScanBatch> ReadBatchesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var file in PlanFiles())
        {
            await foreach (var batch in ReadFileAsync(file, cancellationToken).ConfigureAwait(false))
            {
                yield return batch;
            }
        }
    }

    /// <summary>The rows that are not deleted, as values of the projected columns.</summary>
    public async IAsyncEnumerable<object?[]> ReadRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var batch in ReadBatchesAsync(cancellationToken).ConfigureAwait(false))
        {
            for (var r = 0; r < batch.RowCount; r++)
            {
                if (!batch.IsDeleted(r))
                {
                    yield return batch.GetRow(r);
                }
            }
        }
    }

    /// <summary>Batches of one file.</summary>
    public async IAsyncEnumerable<ScanBatch> ReadFileAsync(AddFile file, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        var table = snapshot.Table;
        var path = table.ResolveActionPath(file.Path);
        RoaringBitmapArray? dv = null;
        if (file.DeletionVector is not null)
        {
            dv = await DeletionVectorStore.ReadAsync(table, file.DeletionVector, cancellationToken).ConfigureAwait(false);
        }

        ParquetReader reader;
        try
        {
            reader = await ParquetReader.OpenAsync(new ObjectStoreParquetSource(table.Store, path, file.Size), cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException e)
        {
            throw new DeltaException($"Data file '{file.Path}' referenced by version {snapshot.Version} of table {snapshot.Describe()} is missing ({path}). It was deleted outside the Delta protocol (e.g. a vacuum with too short a retention); restore it or remove it from the table with a remove action.", e);
        }
        catch (ParquetFormatException e)
        {
            throw Unreadable(file, e);
        }

        using (reader)
        {
            var fileColumns = new int[columns.Count];
            var constants = new object?[columns.Count];
            for (var c = 0; c < columns.Count; c++)
            {
                var field = columns[c];
                if (snapshot.Metadata.PartitionColumns.Contains(field.Name, StringComparer.OrdinalIgnoreCase))
                {
                    fileColumns[c] = -1;
                    file.PartitionValues.TryGetValue(field.PhysicalName, out var text);
                    if (text is null && !file.PartitionValues.ContainsKey(field.PhysicalName))
                    {
                        file.PartitionValues.TryGetValue(field.Name, out text);
                    }

                    constants[c] = DeltaValues.ParsePartitionValue(text, field.Type);
                    continue;
                }

                fileColumns[c] = FindColumn(reader.Schema, field);
            }

            var projected = fileColumns.Where(i => i >= 0).Distinct().ToArray();
            var projection = ParquetProjection.ByName(projected.Select(i => reader.Schema[i].Name).ToArray());
            long rowIndex = 0;
            for (var g = 0; g < reader.RowGroups.Count; g++)
            {
                var rows = (int)reader.RowGroups[g].RowCount;
                var buffers = new ParquetColumnBuffer?[columns.Count];
                if (projected.Length > 0)
                {
                    ParquetRowBatch batch;
                    try
                    {
                        batch = await reader.ReadRowGroupAsync(g, projection, cancellationToken).ConfigureAwait(false);
                    }
                    catch (ParquetFormatException e)
                    {
                        throw Unreadable(file, e);
                    }

                    for (var c = 0; c < columns.Count; c++)
                    {
                        if (fileColumns[c] >= 0)
                        {
                            buffers[c] = batch[reader.Schema[fileColumns[c]].Name];
                        }
                    }
                }

                bool[]? deleted = null;
                if (dv is not null)
                {
                    deleted = new bool[rows];
                    for (var r = 0; r < rows; r++)
                    {
                        deleted[r] = dv.Contains(rowIndex + r);
                    }
                }

                yield return new ScanBatch(file, rowIndex, rows, columns, buffers, constants, deleted);
                rowIndex += rows;
            }
        }
    }

    /// <summary>A data file the Parquet reader refused: names the file and the version as well as the reader's problem.</summary>
    private DeltaException Unreadable(AddFile file, ParquetFormatException e) =>
        new($"Data file '{file.Path}' referenced by version {snapshot.Version} of table {snapshot.Describe()} is not a readable Parquet file: {e.Message}", e);

    private int FindColumn(ParquetSchema schema, StructField field)
    {
        var i = schema.IndexOf(field.PhysicalName);
        if (i < 0 && snapshot.ColumnMapping != ColumnMappingMode.None && field.ColumnMappingId is { } id)
        {
            i = schema.IndexOfFieldId((int)id);
        }

        if (i < 0 && snapshot.ColumnMapping == ColumnMappingMode.None)
        {
            for (var k = 0; k < schema.Count; k++)
            {
                if (string.Equals(schema[k].Name, field.Name, StringComparison.OrdinalIgnoreCase))
                {
                    return k;
                }
            }
        }

        // Absent: the column was added after the file was written, so it reads as null.
        return i;
    }

    /// <summary>Whether <paramref name="file"/> may hold rows in the ranges given to <see cref="WhereBetween"/> (stats and partition values); usable as a transaction read predicate.</summary>
    public bool MayMatch(AddFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (ranges.Count == 0)
        {
            return true;
        }

        JsonDocument? stats = null;
        try
        {
            foreach (var (field, min, max) in ranges)
            {
                object? fileMin;
                object? fileMax;
                if (snapshot.Metadata.PartitionColumns.Contains(field.Name, StringComparer.OrdinalIgnoreCase))
                {
                    file.PartitionValues.TryGetValue(field.PhysicalName, out var text);
                    fileMin = fileMax = DeltaValues.ParsePartitionValue(text, field.Type);
                    if (fileMin is null)
                    {
                        return false;
                    }
                }
                else
                {
                    if (file.Stats is null)
                    {
                        return true;
                    }

                    stats ??= JsonDocument.Parse(file.Stats);
                    fileMin = StatValue(stats.RootElement, "minValues", field);
                    fileMax = StatValue(stats.RootElement, "maxValues", field);

                    // PROTOCOL.md: timestamp statistics are truncated down to milliseconds, so the true max may be up to 1 ms later.
                    if (fileMax is DateTime maxTime)
                    {
                        fileMax = maxTime.AddTicks(TimeSpan.TicksPerMillisecond);
                    }
                    if (AllNull(stats.RootElement, field))
                    {
                        return false;
                    }
                }

                if (min is not null && fileMax is not null && DeltaValues.Compare(fileMax, min) < 0)
                {
                    return false;
                }

                if (max is not null && fileMin is not null && DeltaValues.Compare(fileMin, max) > 0)
                {
                    return false;
                }
            }

            return true;
        }
        catch (JsonException)
        {
            // Unreadable stats prune nothing.
            return true;
        }
        finally
        {
            stats?.Dispose();
        }
    }

    /// <summary>
    /// Whether <paramref name="file"/>'s statistics of <paramref name="field"/> leave room for one of
    /// <paramref name="sortedValues"/> (ascending by <see cref="DeltaValues.Compare"/>, none null): false only when every
    /// value lies outside the file's [min, max]. Missing or unreadable statistics, and partition columns, say true.
    /// </summary>
    internal static bool MayHoldAny(AddFile file, StructField field, IReadOnlyList<object> sortedValues)
    {
        if (file.Stats is null || sortedValues.Count == 0)
        {
            return sortedValues.Count > 0;
        }

        object? fileMin;
        object? fileMax;
        try
        {
            using var stats = JsonDocument.Parse(file.Stats);
            fileMin = StatValue(stats.RootElement, "minValues", field);
            fileMax = StatValue(stats.RootElement, "maxValues", field);
        }
        catch (JsonException)
        {
            return true;
        }

        if (fileMax is DateTime maxTime)
        {
            fileMax = maxTime.AddTicks(TimeSpan.TicksPerMillisecond);
        }

        // The first value at or above the file's min; the file may hold it when it is not above the file's max.
        var lo = 0;
        var hi = sortedValues.Count;
        while (fileMin is not null && lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (DeltaValues.Compare(sortedValues[mid], fileMin) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo < sortedValues.Count && (fileMax is null || DeltaValues.Compare(sortedValues[lo], fileMax) <= 0);
    }

    private static object? StatValue(JsonElement root, string kind, StructField field) =>
        root.TryGetProperty(kind, out var m) && m.ValueKind == JsonValueKind.Object && m.TryGetProperty(field.PhysicalName, out var v)
            ? DeltaValues.FromStats(v, field.Type)
            : null;

    private static bool AllNull(JsonElement root, StructField field) =>
        root.TryGetProperty("numRecords", out var n) && n.ValueKind == JsonValueKind.Number && n.GetInt64() > 0
        && root.TryGetProperty("nullCount", out var nc) && nc.ValueKind == JsonValueKind.Object
        && nc.TryGetProperty(field.PhysicalName, out var c) && c.ValueKind == JsonValueKind.Number && c.GetInt64() == n.GetInt64()
        && (!root.TryGetProperty("tightBounds", out var tb) || tb.ValueKind != JsonValueKind.False);
}
