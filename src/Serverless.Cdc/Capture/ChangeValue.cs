using System.Numerics;
using System.Text;
using Serverless.MySql.Binlog;
using Serverless.MySql.Client;

namespace Serverless.Cdc.Capture;

/// <summary>
/// One column value of a change event, owning its bytes (unlike <see cref="ColumnValue"/>, which borrows the binlog
/// event's buffer). It keeps the source's exact value, not the lake's: a value is a kind, a 64-bit payload, an auxiliary
/// integer and bytes, with the meaning per kind given on <see cref="Bits"/>, <see cref="Aux"/> and <see cref="Bytes"/>.
/// Conversion to the lake type happens in the writer, which knows the column's mapping for the event's schema version.
/// </summary>
public readonly struct ChangeValue : IEquatable<ChangeValue>
{
    public ChangeValue(ColumnValueKind kind, long bits, int aux = 0, ReadOnlyMemory<byte> bytes = default)
    {
        if (kind > ColumnValueKind.Geometry)
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a column value kind this change-event format knows.");
        }

        Kind = kind;
        Bits = bits;
        Aux = aux;
        Bytes = bytes;
    }

    public ColumnValueKind Kind { get; }

    /// <summary>
    /// Int64, Year, Enum: the value (enum ordinal, 1-based). UInt64, Bit, Set: the value's bits. Single, Double: the IEEE
    /// bits. Date, DateTime: the packed <see cref="MySqlDateTime"/> (see <see cref="GetDateTime"/>). Time: signed
    /// microseconds. Timestamp: microseconds since the Unix epoch (0 is the zero timestamp). Zero for the other kinds.
    /// </summary>
    public long Bits { get; }

    /// <summary>Time, DateTime, Timestamp: fractional-seconds precision. Bit: bit count. Decimal: scale. String, Binary: collation id.</summary>
    public int Aux { get; }

    /// <summary>String, Binary: the bytes in the column's character set. Json: MySQL binary JSON or MariaDB's JSON text.
    /// Geometry: 4-byte SRID then WKB. Decimal: the unscaled value, little-endian two's complement.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    public bool IsNull => Kind == ColumnValueKind.Null;

    public static ChangeValue Null => default;

    public static ChangeValue FromInt64(long value) => new(ColumnValueKind.Int64, value);

    public static ChangeValue FromString(string text) => new(ColumnValueKind.String, 0, Utf8Mb4Collation, Encoding.UTF8.GetBytes(text));

    public static ChangeValue FromBinary(ReadOnlyMemory<byte> bytes) => new(ColumnValueKind.Binary, 0, 63, bytes);

    public static ChangeValue FromDecimal(MySqlDecimal value) => new(ColumnValueKind.Decimal, 0, value.Scale, value.Unscaled.ToByteArray());

    /// <summary>utf8mb4_general_ci, the collation <see cref="FromString"/> records.</summary>
    public const int Utf8Mb4Collation = 45;

    /// <summary>Copies a decoded binlog value (which may borrow the event's buffer) into an owned change value.</summary>
    public static ChangeValue FromColumnValue(in ColumnValue value) => value.Kind switch
    {
        ColumnValueKind.Null => Null,
        ColumnValueKind.Int64 or ColumnValueKind.Year or ColumnValueKind.Enum => new(value.Kind, value.GetInt64()),
        ColumnValueKind.UInt64 or ColumnValueKind.Set => new(value.Kind, unchecked((long)value.GetUInt64())),
        ColumnValueKind.Bit => new(value.Kind, unchecked((long)value.GetUInt64()), value.BitCount),
        ColumnValueKind.Single => new(value.Kind, BitConverter.SingleToInt32Bits(value.GetSingle())),
        ColumnValueKind.Double => new(value.Kind, BitConverter.DoubleToInt64Bits(value.GetDouble())),
        ColumnValueKind.Decimal => FromDecimal(value.GetDecimal()),
        ColumnValueKind.Date => new(value.Kind, PackDateTime(value.GetDateTime())),
        ColumnValueKind.DateTime => new(value.Kind, PackDateTime(value.GetDateTime()), value.FractionalSecondsPrecision),
        ColumnValueKind.Time => new(value.Kind, value.GetTime().Ticks / 10, value.FractionalSecondsPrecision),
        ColumnValueKind.Timestamp => new(value.Kind, value.GetTimestampMicroseconds(), value.FractionalSecondsPrecision),
        ColumnValueKind.String or ColumnValueKind.Binary => new(value.Kind, 0, value.Collation, value.Bytes.ToArray()),
        _ => new(value.Kind, 0, 0, value.Bytes.ToArray()),
    };

    public long GetInt64() => Kind is ColumnValueKind.Int64 or ColumnValueKind.Year or ColumnValueKind.Enum ? Bits : throw WrongKind("Int64");

    public ulong GetUInt64() => Kind is ColumnValueKind.UInt64 or ColumnValueKind.Bit or ColumnValueKind.Set ? unchecked((ulong)Bits) : throw WrongKind("UInt64");

    public double GetDouble() => Kind switch
    {
        ColumnValueKind.Double => BitConverter.Int64BitsToDouble(Bits),
        ColumnValueKind.Single => BitConverter.Int32BitsToSingle((int)Bits),
        _ => throw WrongKind("Double"),
    };

    public MySqlDecimal GetDecimal() => Kind == ColumnValueKind.Decimal ? new MySqlDecimal(new BigInteger(Bytes.Span), Aux) : throw WrongKind("Decimal");

    public MySqlDateTime GetDateTime() => Kind is ColumnValueKind.Date or ColumnValueKind.DateTime ? UnpackDateTime(Bits) : throw WrongKind("DateTime");

    /// <summary>Text of a String value decoded as UTF-8 (the writer decodes other character sets by <see cref="Aux"/>).</summary>
    public string GetUtf8String() => Kind is ColumnValueKind.String or ColumnValueKind.Json ? Encoding.UTF8.GetString(Bytes.Span) : throw WrongKind("String");

    public static long PackDateTime(MySqlDateTime v) =>
        ((long)v.Year << 46) | ((long)v.Month << 42) | ((long)v.Day << 37) | ((long)v.Hour << 32) | ((long)v.Minute << 26) | ((long)v.Second << 20) | (long)v.Microsecond;

    public static MySqlDateTime UnpackDateTime(long p) => new(
        (int)(p >> 46), (int)((p >> 42) & 0xF), (int)((p >> 37) & 0x1F), (int)((p >> 32) & 0x1F), (int)((p >> 26) & 0x3F), (int)((p >> 20) & 0x3F), (int)(p & 0xFFFFF));

    public bool Equals(ChangeValue other) =>
        Kind == other.Kind && Bits == other.Bits && Aux == other.Aux && Bytes.Span.SequenceEqual(other.Bytes.Span);

    public override bool Equals(object? obj) => obj is ChangeValue other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Kind, Bits, Aux, Bytes.Length);

    public static bool operator ==(ChangeValue left, ChangeValue right) => left.Equals(right);

    public static bool operator !=(ChangeValue left, ChangeValue right) => !left.Equals(right);

    public override string ToString() => Kind switch
    {
        ColumnValueKind.Null => "NULL",
        ColumnValueKind.String or ColumnValueKind.Json => GetUtf8String(),
        ColumnValueKind.Decimal => GetDecimal().ToString(),
        ColumnValueKind.Binary or ColumnValueKind.Geometry => "0x" + Convert.ToHexString(Bytes.Span),
        _ => $"{Kind}:{Bits}",
    };

    private InvalidOperationException WrongKind(string wanted) => new($"Change value is {Kind}, not {wanted}.");
}
