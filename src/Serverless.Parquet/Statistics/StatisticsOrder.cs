using System.Buffers.Binary;

namespace Serverless.Parquet.Statistics;

/// <summary>
/// The sort orders the Parquet spec defines for min/max statistics, over PLAIN-encoded values: signed for INT32/INT64
/// (unsigned for UINT logical types), numeric for FLOAT/DOUBLE, false &lt; true for BOOLEAN, signed two's complement for
/// DECIMAL on byte arrays, and unsigned byte-wise lexicographic for all other byte arrays (STRING, BINARY...).
/// INT96 has no defined order.
/// </summary>
internal static class StatisticsOrder
{
    public static bool HasDefinedOrder(ParquetColumn column) =>
        column.PhysicalType != ParquetPhysicalType.Int96 &&
        column.LogicalType?.Kind is not (ParquetLogicalTypeKind.Interval or ParquetLogicalTypeKind.Other or ParquetLogicalTypeKind.Map or ParquetLogicalTypeKind.List);

    public static bool IsUnsigned(ParquetColumn column) =>
        column.LogicalType is { Kind: ParquetLogicalTypeKind.Integer, IsSigned: false };

    public static int Compare(ParquetColumn column, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        switch (column.PhysicalType)
        {
            case ParquetPhysicalType.Boolean:
                return a[0].CompareTo(b[0]);
            case ParquetPhysicalType.Int32:
                return IsUnsigned(column)
                    ? BinaryPrimitives.ReadUInt32LittleEndian(a).CompareTo(BinaryPrimitives.ReadUInt32LittleEndian(b))
                    : BinaryPrimitives.ReadInt32LittleEndian(a).CompareTo(BinaryPrimitives.ReadInt32LittleEndian(b));
            case ParquetPhysicalType.Int64:
                return IsUnsigned(column)
                    ? BinaryPrimitives.ReadUInt64LittleEndian(a).CompareTo(BinaryPrimitives.ReadUInt64LittleEndian(b))
                    : BinaryPrimitives.ReadInt64LittleEndian(a).CompareTo(BinaryPrimitives.ReadInt64LittleEndian(b));
            case ParquetPhysicalType.Float:
                return BinaryPrimitives.ReadSingleLittleEndian(a).CompareTo(BinaryPrimitives.ReadSingleLittleEndian(b));
            case ParquetPhysicalType.Double:
                return BinaryPrimitives.ReadDoubleLittleEndian(a).CompareTo(BinaryPrimitives.ReadDoubleLittleEndian(b));
            default:
                return column.IsDecimal ? CompareSignedBigEndian(a, b) : a.SequenceCompareTo(b);
        }
    }

    /// <summary>Compares big-endian two's complement integers of any (possibly different) lengths.</summary>
    public static int CompareSignedBigEndian(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var negA = a.Length > 0 && (a[0] & 0x80) != 0;
        var negB = b.Length > 0 && (b[0] & 0x80) != 0;
        if (negA != negB)
        {
            return negA ? -1 : 1;
        }

        var length = Math.Max(a.Length, b.Length);
        var pad = negA ? (byte)0xFF : (byte)0;
        for (var i = 0; i < length; i++)
        {
            var x = i < length - a.Length ? pad : a[i - (length - a.Length)];
            var y = i < length - b.Length ? pad : b[i - (length - b.Length)];
            if (x != y)
            {
                return x.CompareTo(y);
            }
        }

        return 0;
    }
}
