namespace Serverless.Parquet;

/// <summary>
/// Statistics of one column in a row group (or, from the writer, over the whole file). <see cref="Min"/> and
/// <see cref="Max"/> are row-API values (see <see cref="ParquetValues"/>), null when unknown (no non-null, non-NaN
/// value, or a type without a defined order). The raw forms are the PLAIN-encoded bytes from the footer.
/// </summary>
public sealed record ParquetColumnStatistics
{
    public required ParquetColumn Column { get; init; }

    /// <summary>Null values, or null when the file does not say.</summary>
    public long? NullCount { get; init; }

    /// <summary>Values including nulls.</summary>
    public long ValueCount { get; init; }

    public long? DistinctCount { get; init; }

    public object? Min { get; init; }

    public object? Max { get; init; }

    public byte[]? MinRaw { get; init; }

    public byte[]? MaxRaw { get; init; }

    public string ColumnName => Column.Name;

    internal static ParquetColumnStatistics Create(ParquetColumn column, long? nullCount, long valueCount, byte[]? min, byte[]? max, long? distinctCount) => new()
    {
        Column = column,
        NullCount = nullCount,
        ValueCount = valueCount,
        DistinctCount = distinctCount,
        MinRaw = min,
        MaxRaw = max,
        Min = min is null ? null : DecodePlain(column, min),
        Max = max is null ? null : DecodePlain(column, max),
    };

    /// <summary>Decodes one PLAIN-encoded statistics value to its row-API value; null if it is malformed.</summary>
    internal static object? DecodePlain(ParquetColumn column, byte[] plain)
    {
        var required = column with { IsRequired = true };
        var buffer = new ParquetColumnBuffer(required, 1);
        switch (column.PhysicalType)
        {
            case ParquetPhysicalType.Boolean when plain.Length >= 1: buffer.Append(plain[0] != 0); break;
            case ParquetPhysicalType.Int32 when plain.Length == 4: buffer.Append(BitConverter.ToInt32(plain)); break;
            case ParquetPhysicalType.Int64 when plain.Length == 8: buffer.Append(BitConverter.ToInt64(plain)); break;
            case ParquetPhysicalType.Float when plain.Length == 4: buffer.Append(BitConverter.ToSingle(plain)); break;
            case ParquetPhysicalType.Double when plain.Length == 8: buffer.Append(BitConverter.ToDouble(plain)); break;
            case ParquetPhysicalType.ByteArray: buffer.Append((ReadOnlySpan<byte>)plain); break;
            case ParquetPhysicalType.FixedLenByteArray or ParquetPhysicalType.Int96 when plain.Length == buffer.FixedLength:
                buffer.Append((ReadOnlySpan<byte>)plain);
                break;
            default: return null;
        }

        try
        {
            return buffer.GetValue(0);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
