namespace Serverless.Parquet;

/// <summary>Column buffers for a run of rows of one schema (the columnar unit the writer takes and the reader returns).</summary>
public sealed class ParquetRowBatch
{
    private readonly ParquetColumnBuffer[] _buffers;

    public ParquetRowBatch(ParquetSchema schema, int capacity = 1024)
    {
        ArgumentNullException.ThrowIfNull(schema);
        Schema = schema;
        _buffers = schema.Columns.Select(c => new ParquetColumnBuffer(c, capacity)).ToArray();
    }

    internal ParquetRowBatch(ParquetSchema schema, ParquetColumnBuffer[] columns)
    {
        Schema = schema;
        _buffers = columns;
    }

    public ParquetSchema Schema { get; }

    public IReadOnlyList<ParquetColumnBuffer> Columns => _buffers;

    /// <summary><see cref="Columns"/> as a span, for per-row loops that should not pay an interface call per column.</summary>
    public ReadOnlySpan<ParquetColumnBuffer> ColumnBuffers => _buffers;

    /// <summary>Rows in the batch; throws when the columns disagree.</summary>
    public int RowCount
    {
        get
        {
            if (Columns.Count == 0)
            {
                return 0;
            }

            var n = Columns[0].Count;
            for (var i = 1; i < Columns.Count; i++)
            {
                if (Columns[i].Count != n)
                {
                    throw new InvalidOperationException($"Column '{Columns[i].Column.Name}' holds {Columns[i].Count} values but column '{Columns[0].Column.Name}' holds {n}.");
                }
            }

            return n;
        }
    }

    public ParquetColumnBuffer this[int index] => Columns[index];

    public ParquetColumnBuffer this[string name]
    {
        get
        {
            var i = Schema.IndexOf(name);
            return i >= 0 ? Columns[i] : throw new KeyNotFoundException($"No column '{name}' in this batch.");
        }
    }

    /// <summary>Appends one row of CLR values (see <see cref="ParquetValues"/>).</summary>
    public void AppendRow(params object?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != Columns.Count)
        {
            throw new ArgumentException($"A row needs {Columns.Count} values, got {values.Length}.", nameof(values));
        }

        for (var i = 0; i < values.Length; i++)
        {
            Columns[i].AppendValue(values[i]);
        }
    }

    /// <summary>Row <paramref name="index"/> as CLR values (boxes).</summary>
    public object?[] GetRow(int index)
    {
        var row = new object?[Columns.Count];
        for (var c = 0; c < row.Length; c++)
        {
            row[c] = Columns[c].GetValue(index);
        }

        return row;
    }

    public void Clear()
    {
        foreach (var c in Columns)
        {
            c.Clear();
        }
    }
}
