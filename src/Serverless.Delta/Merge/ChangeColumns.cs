using Serverless.Parquet;

namespace Serverless.Delta.Merge;

/// <summary>
/// A batch of keyed row versions (what a list of <see cref="RowChange"/> says) held column by column: each column's
/// values in one typed <see cref="ParquetColumnBuffer"/> (the Parquet value the data file gets) and a delete flag per
/// row. A writer appends a change's values straight into the columns, so a buffered batch is a few large arrays instead
/// of an object per value and per row, which the collector would trace and copy until the commit. The columns follow
/// the table's data-file schema with every column optional: a delete needs only its key and position, and a null in a
/// NOT NULL column is refused when such a row would be written (<see cref="MergeWriter"/>), as for rows.
/// Make one with <see cref="MergeWriter.NewBatch"/>. Not thread-safe.
/// </summary>
public sealed class ChangeColumns
{
    private readonly ParquetColumnBuffer[] columns;
    private bool[] deletes;

    public ChangeColumns(ParquetSchema schema, int capacity = 1024)
    {
        ArgumentNullException.ThrowIfNull(schema);
        Schema = new ParquetSchema(schema.Columns.Select(c => c with { IsRequired = false }));
        columns = Schema.Columns.Select(c => new ParquetColumnBuffer(c, capacity)).ToArray();
        deletes = new bool[Math.Max(1, capacity)];
    }

    /// <summary>The data-file schema the batch was made for, every column optional.</summary>
    public ParquetSchema Schema { get; }

    /// <summary>Complete rows in the batch.</summary>
    public int Count { get; private set; }

    /// <summary>The columns, in the table's column order; a row is appended by appending one value to each, then <see cref="EndRow"/>.</summary>
    public ReadOnlySpan<ParquetColumnBuffer> Columns => columns;

    public bool IsDelete(int row)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)Count, nameof(row));
        return deletes[row];
    }

    /// <summary>Completes the row whose values were just appended to every column.</summary>
    public void EndRow(bool isDelete)
    {
        foreach (var column in columns)
        {
            if (column.Count != Count + 1)
            {
                var given = column.Count - Count;
                DiscardPartialRow();
                throw new InvalidOperationException($"Column '{column.Column.Name}' got {given} values for row {Count} of the batch; every column takes exactly one value per row.");
            }
        }

        if (Count == deletes.Length)
        {
            Array.Resize(ref deletes, deletes.Length * 2);
        }

        deletes[Count++] = isDelete;
    }

    /// <summary>Drops values appended since the last complete row (a row whose conversion failed part way).</summary>
    public void DiscardPartialRow()
    {
        foreach (var column in columns)
        {
            if (column.Count > Count)
            {
                column.Truncate(Count);
            }
        }
    }

    /// <summary>Appends a row change (its values as the Parquet row API takes them); a value a column cannot take leaves the batch as it was.</summary>
    public void Add(RowChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Row.Length != columns.Length)
        {
            throw new ArgumentException($"The change has {change.Row.Length} values; the batch has {columns.Length} columns ({string.Join(", ", Schema.Columns.Select(c => c.Name))}).", nameof(change));
        }

        try
        {
            for (var c = 0; c < columns.Length; c++)
            {
                columns[c].AppendValue(change.Row[c]);
            }
        }
        catch
        {
            DiscardPartialRow();
            throw;
        }

        EndRow(change.IsDelete);
    }

    /// <summary>
    /// Empties the batch and lets its arrays go: a table's batch must not keep the memory of its largest one while the
    /// table is quiet (a writer has many tables), and keeping it saved nothing measurable on a catch-up.
    /// </summary>
    public void Clear()
    {
        for (var c = 0; c < columns.Length; c++)
        {
            columns[c] = new ParquetColumnBuffer(columns[c].Column);
        }

        deletes = new bool[columns.Length == 0 ? 1 : 1024];
        Count = 0;
    }

    /// <summary>Whether the batch's columns are the columns of <paramref name="schema"/> (required or not), so its rows fit a data file of it.</summary>
    public bool Fits(ParquetSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (schema.Columns.Count != columns.Length)
        {
            return false;
        }

        for (var c = 0; c < columns.Length; c++)
        {
            if (!Equals(schema.Columns[c] with { IsRequired = false }, Schema.Columns[c]))
            {
                return false;
            }
        }

        return true;
    }
}
