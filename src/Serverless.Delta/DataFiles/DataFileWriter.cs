using System.Globalization;
using Serverless.Delta.Actions;
using Serverless.Delta.Log;
using Serverless.Delta.Schema;
using Serverless.Parquet;
using Serverless.Storage;

namespace Serverless.Delta.DataFiles;

/// <summary>
/// Writes data files for a table: Parquet with physical column names (and field ids under column mapping),
/// timestamps as TIMESTAMP(MICROS) with isAdjustedToUTC true for timestamp and false for timestamp_ntz, and
/// returns the add action with statistics. Partition columns are not stored in the file. NOT NULL columns
/// (<c>nullable: false</c>) are REQUIRED in the file, and a null for one is refused naming the table, column and row.
/// </summary>
public sealed class DataFileWriter
{
    private readonly Snapshot snapshot;
    private readonly int[] notNullColumns;

    public DataFileWriter(Snapshot snapshot, ParquetWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        this.snapshot = snapshot;
        Options = options ?? ParquetWriterOptions.Default;
        DataColumns = snapshot.Schema.Fields.Where(f => !snapshot.Metadata.PartitionColumns.Contains(f.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        ParquetSchema = new ParquetSchema(DataColumns.Select(f => ToParquet(f, snapshot.ColumnMapping != ColumnMappingMode.None)));
        notNullColumns = [.. DataColumns.Select((f, i) => f.Nullable ? -1 : i).Where(i => i >= 0)];
    }

    public ParquetWriterOptions Options { get; }

    /// <summary>The non-partition columns, in the order rows give their values.</summary>
    public IReadOnlyList<StructField> DataColumns { get; }

    /// <summary>The Parquet schema of data files (physical names).</summary>
    public ParquetSchema ParquetSchema { get; }

    /// <summary>Maps one Delta column to its Parquet column.</summary>
    public static ParquetColumn ToParquet(StructField field, bool withFieldId)
    {
        ArgumentNullException.ThrowIfNull(field);
        var name = field.PhysicalName;
        var required = !field.Nullable;
        int? id = withFieldId && field.ColumnMappingId is { } cid ? (int)cid : null;
        return field.Type switch
        {
            DecimalType d => ParquetColumn.Decimal(name, d.Precision, d.Scale, required, id),
            PrimitiveType { Name: "long" } => ParquetColumn.Int64(name, required, id),
            PrimitiveType { Name: "integer" } => ParquetColumn.Int32(name, required, id),
            PrimitiveType { Name: "short" } => ParquetColumn.Int16(name, required, id),
            PrimitiveType { Name: "byte" } => ParquetColumn.Int8(name, required, id),
            PrimitiveType { Name: "float" } => ParquetColumn.Float(name, required, id),
            PrimitiveType { Name: "double" } => ParquetColumn.Double(name, required, id),
            PrimitiveType { Name: "boolean" } => ParquetColumn.Boolean(name, required, id),
            PrimitiveType { Name: "string" } => ParquetColumn.String(name, required, id),
            PrimitiveType { Name: "binary" } => ParquetColumn.Binary(name, required, id),
            PrimitiveType { Name: "date" } => ParquetColumn.Date(name, required, id),
            PrimitiveType { Name: "timestamp" } => ParquetColumn.Timestamp(name, isAdjustedToUtc: true, required, id),
            PrimitiveType { Name: "timestamp_ntz" } => ParquetColumn.Timestamp(name, isAdjustedToUtc: false, required, id),
            _ => throw new NotSupportedException($"Column '{field.Name}' has type {field.Type}; data files are written for flat primitive columns only."),
        };
    }

    /// <summary>Writes one file of rows (values of <see cref="DataColumns"/> in order) and returns its add action.</summary>
    public async Task<AddFile> WriteAsync(IEnumerable<object?[]> rows, IReadOnlyDictionary<string, string?>? partitionValues = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var batch = new ParquetRowBatch(ParquetSchema);
        var index = 0;
        foreach (var row in rows)
        {
            var column = FirstNullInNotNullColumn(row);
            if (column >= 0)
            {
                throw NullInNotNullColumn(column, $"row {index} of the file being written");
            }

            batch.AppendRow(row);
            index++;
        }

        return await WriteAsync(batch, partitionValues, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The index in <see cref="DataColumns"/> of the first NOT NULL column that <paramref name="row"/> leaves null, or -1.</summary>
    public int FirstNullInNotNullColumn(IReadOnlyList<object?> row)
    {
        ArgumentNullException.ThrowIfNull(row);
        foreach (var c in notNullColumns)
        {
            if (c < row.Count && row[c] is null)
            {
                return c;
            }
        }

        return -1;
    }

    /// <summary>The error for a null in NOT NULL column <paramref name="column"/> (an index in <see cref="DataColumns"/>) of the row <paramref name="rowName"/> names.</summary>
    public DeltaException NullInNotNullColumn(int column, string rowName) => new(
        $"Table {snapshot.Describe()}: column '{DataColumns[column].Name}' is NOT NULL (nullable: false in the table schema), but {rowName} holds null. " +
        "Give the column a value, or make it nullable first (SchemaEvolution.RelaxNullability).");

    /// <summary>Writes one file from a columnar batch and returns its add action.</summary>
    public async Task<AddFile> WriteAsync(ParquetRowBatch batch, IReadOnlyDictionary<string, string?>? partitionValues = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var (relative, values) = Place(partitionValues);
        var stream = new MemoryStream();
        ParquetFileMetadata meta;
        await using (var writer = new ParquetWriter(stream, ParquetSchema, Options, leaveOpen: true))
        {
            writer.WriteBatch(batch);
            meta = await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        var info = await snapshot.Table.Store.PutIfAbsentAsync(snapshot.Table.Resolve(relative), stream.GetBuffer().AsMemory(0, (int)stream.Length), cancellationToken).ConfigureAwait(false);
        return ToAddFile(relative, values, info, meta);
    }

    /// <summary>
    /// Opens a data file that uploads while batches are written, so memory stays bounded by one row group however large
    /// the file grows (<see cref="WriteAsync(ParquetRowBatch, IReadOnlyDictionary{string, string?}?, CancellationToken)"/>
    /// builds the whole file in memory). Nothing is visible until <see cref="DataFileStream.CompleteAsync"/>.
    /// </summary>
    public async Task<DataFileStream> OpenAsync(IReadOnlyDictionary<string, string?>? partitionValues = null, CancellationToken cancellationToken = default)
    {
        var (relative, values) = Place(partitionValues);
        var stream = await snapshot.Table.Store.OpenWriteAsync(snapshot.Table.Resolve(relative), overwrite: false, cancellationToken).ConfigureAwait(false);
        return new DataFileStream(this, relative, values, stream);
    }

    /// <summary>The add action of a written file: table-relative path, partition values by physical name, statistics.</summary>
    internal AddFile ToAddFile(string relative, IReadOnlyDictionary<string, string?> partitionValues, ObjectInfo info, ParquetFileMetadata meta)
    {
        var stats = FileStatistics.Build(meta.RowCount, DataColumns.Select((f, i) => (f, (ParquetColumnStatistics?)meta.ColumnStatistics[i])).ToList());
        return new AddFile(DeltaPath.Encode(relative), partitionValues, info.Size, info.LastModified.ToUnixTimeMilliseconds(), true, stats);
    }

    /// <summary>A new file's table-relative path (hive-style partition folders) and its partition values keyed by physical name.</summary>
    private (string Relative, Dictionary<string, string?> Values) Place(IReadOnlyDictionary<string, string?>? partitionValues)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        var folder = new System.Text.StringBuilder();
        foreach (var column in snapshot.Metadata.PartitionColumns)
        {
            var field = snapshot.Schema.FindField(column)!;
            string? value = null;
            if (partitionValues is not null && !partitionValues.TryGetValue(column, out value))
            {
                partitionValues.TryGetValue(field.PhysicalName, out value);
            }

            values[field.PhysicalName] = value;
            folder.Append(Uri.EscapeDataString(field.PhysicalName)).Append('=').Append(value is null ? "__HIVE_DEFAULT_PARTITION__" : Uri.EscapeDataString(value)).Append('/');
        }

        // A random prefix folder is only needed for partitioned tables (hive-style folders); flat tables keep files at the root like Spark.
        return (folder.ToString() + "part-00000-" + Guid.NewGuid().ToString("D") + "-c000." + CodecSuffix() + "parquet", values);
    }

    private string CodecSuffix() => Options.Compression switch
    {
        ParquetCompression.Snappy => "snappy.",
        ParquetCompression.Gzip => "gz.",
        _ => string.Empty,
    };
}
