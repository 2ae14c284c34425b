using System.Buffers.Binary;

namespace Serverless.Parquet;

/// <summary>
/// The CLR values of the row API (boxing; the columnar API is <see cref="ParquetColumnBuffer"/>):
/// BOOLEAN bool; INT32 int (also INT(8/16)); INT64 long; FLOAT float; DOUBLE double; DATE DateOnly;
/// TIMESTAMP DateTime (Kind Utc when adjusted to UTC, Unspecified otherwise; MILLIS/MICROS exact, NANOS truncated to 100 ns);
/// INT96 DateTime (Utc); TIME TimeOnly; DECIMAL <see cref="ParquetDecimal"/>; STRING/JSON/ENUM string; other byte arrays byte[].
/// Appending also accepts sbyte/short/byte/ushort for INT32, decimal for DECIMAL, DateTimeOffset for TIMESTAMP,
/// and raw int/long for DATE/TIMESTAMP/TIME.
/// </summary>
public static class ParquetValues
{
    /// <summary>Julian day number of 1970-01-01 (INT96 timestamps count days from the Julian epoch).</summary>
    public const long JulianDayOfUnixEpoch = 2_440_588;

    public static long ToUnixMicros(DateTime value)
    {
        if (value.Kind == DateTimeKind.Local)
        {
            value = value.ToUniversalTime();
        }

        return FloorDiv(value.Ticks - DateTime.UnixEpoch.Ticks, 10);
    }

    public static DateTime FromUnixMicros(long micros, bool utc) =>
        new(DateTime.UnixEpoch.Ticks + (micros * 10), utc ? DateTimeKind.Utc : DateTimeKind.Unspecified);

    public static int ToUnixDays(DateOnly value) => value.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    public static DateOnly FromUnixDays(int days) => DateOnly.FromDayNumber(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + days);

    /// <summary>Converts a 12-byte INT96 (nanoseconds of day, then Julian day, little-endian) to Unix microseconds.</summary>
    public static long Int96ToUnixMicros(ReadOnlySpan<byte> int96)
    {
        var nanos = BinaryPrimitives.ReadInt64LittleEndian(int96);
        var julian = BinaryPrimitives.ReadInt32LittleEndian(int96[8..]);
        return ((julian - JulianDayOfUnixEpoch) * 86_400_000_000L) + FloorDiv(nanos, 1000);
    }

    internal static object? ToClr(ParquetColumnBuffer buffer, int index)
    {
        if (buffer.IsNull(index))
        {
            return null;
        }

        var column = buffer.Column;
        var logical = column.LogicalType;
        switch (column.PhysicalType)
        {
            case ParquetPhysicalType.Boolean:
                return buffer.BooleanArray[index];
            case ParquetPhysicalType.Int32:
                {
                    var v = buffer.Int32Array[index];
                    return logical?.Kind switch
                    {
                        ParquetLogicalTypeKind.Date => FromUnixDays(v),
                        ParquetLogicalTypeKind.Decimal => buffer.GetDecimal(index),
                        ParquetLogicalTypeKind.Time => TimeOnly.FromTimeSpan(TimeSpan.FromMilliseconds(v)),
                        ParquetLogicalTypeKind.Integer when !logical.IsSigned && logical.BitWidth == 32 => (long)(uint)v,
                        _ => v,
                    };
                }

            case ParquetPhysicalType.Int64:
                {
                    var v = buffer.Int64Array[index];
                    return logical?.Kind switch
                    {
                        ParquetLogicalTypeKind.Timestamp => FromUnixMicros(ToMicros(v, logical.Unit), logical.IsAdjustedToUtc),
                        ParquetLogicalTypeKind.Time => new TimeOnly(ToMicros(v, logical.Unit) * 10),
                        ParquetLogicalTypeKind.Decimal => buffer.GetDecimal(index),
                        ParquetLogicalTypeKind.Integer when !logical.IsSigned => (ulong)v,
                        _ => v,
                    };
                }

            case ParquetPhysicalType.Int96:
                return FromUnixMicros(Int96ToUnixMicros(buffer.GetBytes(index)), utc: true);
            case ParquetPhysicalType.Float:
                return buffer.FloatArray[index];
            case ParquetPhysicalType.Double:
                return buffer.DoubleArray[index];
            default:
                if (column.IsDecimal)
                {
                    return buffer.GetDecimal(index);
                }

                return column.IsText ? buffer.GetString(index) : buffer.GetBytes(index).ToArray();
        }
    }

    internal static void AppendClr(ParquetColumnBuffer buffer, object? value)
    {
        var column = buffer.Column;
        switch (value)
        {
            case null: buffer.AppendNull(); break;
            case bool b: buffer.Append(b); break;
            case ParquetDecimal d: buffer.Append(d); break;
            case decimal d: buffer.Append(ParquetDecimal.FromDecimal(d)); break;
            case int i when column.IsDecimal: buffer.Append(new ParquetDecimal(i, 0)); break;
            case long l when column.IsDecimal: buffer.Append(new ParquetDecimal(l, 0)); break;
            case int i: buffer.Append(i); break;
            case short s: buffer.Append((int)s); break;
            case sbyte s: buffer.Append((int)s); break;
            case byte s: buffer.Append((int)s); break;
            case ushort s: buffer.Append((int)s); break;
            case long l: buffer.Append(l); break;
            case float f: buffer.Append(f); break;
            case double d: buffer.Append(d); break;
            case string s: buffer.Append(s.AsSpan()); break;
            case byte[] bytes: buffer.Append((ReadOnlySpan<byte>)bytes); break;
            case ReadOnlyMemory<byte> memory: buffer.Append(memory.Span); break;
            case DateOnly date: buffer.Append(ToUnixDays(date)); break;
            case DateTime dt when column.PhysicalType == ParquetPhysicalType.Int32: buffer.Append(ToUnixDays(DateOnly.FromDateTime(dt))); break;
            case DateTime dt: buffer.Append(FromMicros(ToUnixMicros(dt), column)); break;
            case DateTimeOffset dto: buffer.Append(FromMicros(ToUnixMicros(dto.UtcDateTime), column)); break;
            case TimeOnly t: buffer.Append(FromMicros(t.Ticks / 10, column)); break;
            case TimeSpan t: buffer.Append(FromMicros(t.Ticks / 10, column)); break;
            default:
                throw new ArgumentException($"Column '{column.Name}' ({column}) cannot take a value of type {value.GetType().Name}.");
        }
    }

    private static long FromMicros(long micros, ParquetColumn column) => column.LogicalType?.Unit switch
    {
        ParquetTimeUnit.Millis => FloorDiv(micros, 1000),
        ParquetTimeUnit.Nanos => micros * 1000,
        _ => micros,
    };

    private static long ToMicros(long value, ParquetTimeUnit unit) => unit switch
    {
        ParquetTimeUnit.Millis => value * 1000,
        ParquetTimeUnit.Nanos => FloorDiv(value, 1000),
        _ => value,
    };

    private static long FloorDiv(long a, long b)
    {
        var q = a / b;
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
    }
}
