namespace Serverless.Parquet;

/// <summary>A flat schema: an ordered list of columns with unique names.</summary>
public sealed class ParquetSchema
{
    private readonly Dictionary<string, int> _byName;

    public ParquetSchema(IEnumerable<ParquetColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        Columns = columns.ToArray();
        _byName = new Dictionary<string, int>(Columns.Count, StringComparer.Ordinal);
        for (var i = 0; i < Columns.Count; i++)
        {
            if (!_byName.TryAdd(Columns[i].Name, i))
            {
                throw new ArgumentException($"Column name '{Columns[i].Name}' appears twice in the schema.", nameof(columns));
            }
        }
    }

    public ParquetSchema(params ParquetColumn[] columns)
        : this((IEnumerable<ParquetColumn>)columns)
    {
    }

    public IReadOnlyList<ParquetColumn> Columns { get; }

    public int Count => Columns.Count;

    public ParquetColumn this[int index] => Columns[index];

    /// <summary>Index of the column with this exact name, or -1.</summary>
    public int IndexOf(string name) => _byName.TryGetValue(name, out var i) ? i : -1;

    /// <summary>Index of the column carrying this field id, or -1.</summary>
    public int IndexOfFieldId(int fieldId)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i].FieldId == fieldId)
            {
                return i;
            }
        }

        return -1;
    }

    public override string ToString() => string.Join(", ", Columns);
}
