using Serverless.Delta.Actions;
using Serverless.Delta.Schema;
using Serverless.Parquet;

namespace Serverless.Delta.Scanning;

/// <summary>
/// One row group of one data file, projected to the requested logical columns, with the file's deletion vector
/// as a per-row flag. Column values come straight from the Parquet buffers (hot paths can read those), or are
/// constants for partition columns and for columns the file predates.
/// </summary>
public sealed class ScanBatch
{
    private readonly ParquetColumnBuffer?[] buffers;
    private readonly object?[] constants;
    private readonly bool[]? deleted;

    internal ScanBatch(AddFile file, long firstRowIndex, int rowCount, IReadOnlyList<StructField> columns, ParquetColumnBuffer?[] buffers, object?[] constants, bool[]? deleted)
    {
        File = file;
        FirstRowIndex = firstRowIndex;
        RowCount = rowCount;
        Columns = columns;
        this.buffers = buffers;
        this.constants = constants;
        this.deleted = deleted;
    }

    public AddFile File { get; }

    /// <summary>Index of this batch's first row within its file (deletion vectors count from the file's start).</summary>
    public long FirstRowIndex { get; }

    public int RowCount { get; }

    public IReadOnlyList<StructField> Columns { get; }

    /// <summary>True when the file's deletion vector removes this row.</summary>
    public bool IsDeleted(int row) => deleted is not null && deleted[row];

    /// <summary>The raw Parquet values of a projected column, or null when it is a constant (partition value or absent column).</summary>
    public ParquetColumnBuffer? GetBuffer(int column) => buffers[column];

    /// <summary>A value as the column's Delta CLR type (see <see cref="DeltaValues"/>).</summary>
    public object? GetValue(int row, int column) =>
        buffers[column] is { } b ? DeltaValues.FromParquet(b.GetValue(row), Columns[column].Type) : constants[column];

    /// <summary>All projected values of one row.</summary>
    public object?[] GetRow(int row)
    {
        var values = new object?[Columns.Count];
        for (var c = 0; c < values.Length; c++)
        {
            values[c] = GetValue(row, c);
        }

        return values;
    }
}
