namespace Serverless.Parquet;

/// <summary>Which columns to read: all, by name, or by field id (Delta column mapping).</summary>
public sealed class ParquetProjection
{
    private readonly string[]? _names;
    private readonly int[]? _fieldIds;

    private ParquetProjection(string[]? names, int[]? fieldIds)
    {
        _names = names;
        _fieldIds = fieldIds;
    }

    public static ParquetProjection All { get; } = new(null, null);

    public static ParquetProjection ByName(params string[] names) => new(names, null);

    public static ParquetProjection ByFieldId(params int[] fieldIds) => new(null, fieldIds);

    /// <summary>Column indexes in the file's schema, in the order requested; throws naming a missing column.</summary>
    public int[] Resolve(ParquetSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (_names is not null)
        {
            return _names.Select(n => schema.IndexOf(n) is var i and >= 0 ? i
                : throw new KeyNotFoundException($"The file has no column '{n}' (columns: {string.Join(", ", schema.Columns.Select(c => c.Name))}).")).ToArray();
        }

        if (_fieldIds is not null)
        {
            return _fieldIds.Select(id => schema.IndexOfFieldId(id) is var i and >= 0 ? i
                : throw new KeyNotFoundException($"The file has no column with field id {id}.")).ToArray();
        }

        return Enumerable.Range(0, schema.Count).ToArray();
    }
}
