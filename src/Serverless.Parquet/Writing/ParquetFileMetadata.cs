namespace Serverless.Parquet;

/// <summary>What a finished file holds: returned by <see cref="ParquetWriter.Complete"/> (the Delta writer's file statistics).</summary>
public sealed class ParquetFileMetadata
{
    internal ParquetFileMetadata(
        ParquetSchema schema,
        long rowCount,
        long fileSize,
        IReadOnlyList<ParquetRowGroupInfo> rowGroups,
        IReadOnlyList<ParquetColumnStatistics> columnStatistics,
        IReadOnlyDictionary<string, string?> keyValueMetadata)
    {
        Schema = schema;
        RowCount = rowCount;
        FileSize = fileSize;
        RowGroups = rowGroups;
        ColumnStatistics = columnStatistics;
        KeyValueMetadata = keyValueMetadata;
    }

    public ParquetSchema Schema { get; }

    public long RowCount { get; }

    /// <summary>Bytes written, including magic and footer.</summary>
    public long FileSize { get; }

    public IReadOnlyList<ParquetRowGroupInfo> RowGroups { get; }

    /// <summary>Statistics over the whole file, per column in schema order (min/max merged over row groups).</summary>
    public IReadOnlyList<ParquetColumnStatistics> ColumnStatistics { get; }

    public IReadOnlyDictionary<string, string?> KeyValueMetadata { get; }
}
