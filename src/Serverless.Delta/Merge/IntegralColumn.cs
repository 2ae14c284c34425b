using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;
using Serverless.Parquet;

namespace Serverless.Delta.Merge;

/// <summary>
/// One scanned column of an integral Delta type (long, integer, short, byte) read as 64-bit integers: straight from the
/// Parquet buffer when it holds plain signed integers, else through the value API (which converts any other layout
/// the same way <see cref="DeltaValues"/> does), so a key or position costs no boxed object per row.
/// </summary>
internal readonly struct IntegralColumn
{
    private readonly ScanBatch batch;
    private readonly int column;
    private readonly ParquetColumnBuffer? plain;

    public IntegralColumn(ScanBatch batch, int column)
    {
        this.batch = batch;
        this.column = column;
        var buffer = batch.GetBuffer(column);
        var logical = buffer?.Column.LogicalType;
        var signedInteger = logical is null || (logical.Kind == ParquetLogicalTypeKind.Integer && logical.IsSigned);
        plain = buffer is { Column.PhysicalType: ParquetPhysicalType.Int32 or ParquetPhysicalType.Int64 } && signedInteger ? buffer : null;
    }

    /// <summary>Whether values of <paramref name="type"/> compare as 64-bit integers.</summary>
    public static bool Fits(DeltaType type) => type is PrimitiveType { Name: "long" or "integer" or "short" or "byte" };

    /// <summary>The value of <paramref name="row"/>; false when it is null.</summary>
    public bool TryRead(int row, out long value)
    {
        if (plain is not null)
        {
            if (plain.IsNull(row))
            {
                value = 0;
                return false;
            }

            value = plain.Column.PhysicalType == ParquetPhysicalType.Int64 ? plain.Int64Array[row] : plain.Int32Array[row];
            return true;
        }

        return TryConvert(batch.GetValue(row, column), out value);
    }

    /// <summary>A boxed value of an integral Delta type as a 64-bit integer; false for null or any other type.</summary>
    public static bool TryConvert(object? boxed, out long value)
    {
        switch (boxed)
        {
            case long l:
                value = l;
                return true;
            case int i:
                value = i;
                return true;
            case short s:
                value = s;
                return true;
            case sbyte b:
                value = b;
                return true;
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>A 64-bit integer boxed as the CLR type <see cref="DeltaValues"/> gives <paramref name="type"/>.</summary>
    public static object Box(long value, DeltaType type) => ((PrimitiveType)type).Name switch
    {
        "integer" => (int)value,
        "short" => (short)value,
        "byte" => (sbyte)value,
        _ => value,
    };
}
