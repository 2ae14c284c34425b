namespace Serverless.Parquet;

/// <summary>One row group: its row count, sizes and per-column statistics (used for pruning).</summary>
public sealed class ParquetRowGroupInfo
{
    internal ParquetRowGroupInfo(int index, long rowCount, long totalByteSize, long compressedSize, IReadOnlyList<ParquetColumnStatistics> columns)
    {
        Index = index;
        RowCount = rowCount;
        TotalByteSize = totalByteSize;
        CompressedSize = compressedSize;
        Columns = columns;
    }

    public int Index { get; }

    public long RowCount { get; }

    /// <summary>Uncompressed size of the row group's column data.</summary>
    public long TotalByteSize { get; }

    public long CompressedSize { get; }

    /// <summary>Statistics per column, in schema order.</summary>
    public IReadOnlyList<ParquetColumnStatistics> Columns { get; }

    public ParquetColumnStatistics? this[string columnName]
    {
        get
        {
            foreach (var c in Columns)
            {
                if (c.ColumnName == columnName)
                {
                    return c;
                }
            }

            return null;
        }
    }
}
