using System.Globalization;
using System.Text;
using Serverless.MySql.Client;

namespace Serverless.MySql.Binlog;

/// <summary>
/// One decoded column value. Fixed-size types are held inline; strings, blobs, decimals, JSON and geometry keep a slice of
/// the event's bytes and convert on access, so decoding a row allocates nothing. A value that references event bytes is
/// valid only while its event is (see <see cref="Detach"/>).
/// </summary>
public readonly struct ColumnValue
{
    private readonly long bits;
    private readonly int aux;

    private ColumnValue(ColumnValueKind kind, long bits, ReadOnlyMemory<byte> bytes = default, int aux = 0)
    {
        Kind = kind;
        this.bits = bits;
        Bytes = bytes;
        this.aux = aux;
    }

    public ColumnValueKind Kind { get; }

    public bool IsNull => Kind == ColumnValueKind.Null;

    /// <summary>The raw bytes of a string, binary, decimal, JSON or geometry value (geometry: 4-byte SRID then WKB).</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>Collation id of a string value (0 when the server sent no charset metadata).</summary>
    public int Collation => Kind is ColumnValueKind.String or ColumnValueKind.Binary ? aux : 0;

    public static ColumnValue Null => default;

    internal static ColumnValue FromInt64(long value) => new(ColumnValueKind.Int64, value);

    internal static ColumnValue FromUInt64(ulong value) => new(ColumnValueKind.UInt64, unchecked((long)value));

    internal static ColumnValue FromSingle(float value) => new(ColumnValueKind.Single, BitConverter.SingleToInt32Bits(value));

    internal static ColumnValue FromDouble(double value) => new(ColumnValueKind.Double, BitConverter.DoubleToInt64Bits(value));

    internal static ColumnValue FromDecimal(ReadOnlyMemory<byte> packed, int precision, int scale) =>
        new(ColumnValueKind.Decimal, 0, packed, (precision << 8) | scale);

    internal static ColumnValue FromYear(int year) => new(ColumnValueKind.Year, year);

    internal static ColumnValue FromDate(MySqlDateTime date) => new(ColumnValueKind.Date, TemporalFormat.Pack(date));

    internal static ColumnValue FromDateTime(MySqlDateTime dateTime, int fsp) => new(ColumnValueKind.DateTime, TemporalFormat.Pack(dateTime), default, fsp);

    internal static ColumnValue FromTime(long microseconds, int fsp) => new(ColumnValueKind.Time, microseconds, default, fsp);

    internal static ColumnValue FromTimestamp(long unixMicroseconds, int fsp) => new(ColumnValueKind.Timestamp, unixMicroseconds, default, fsp);

    internal static ColumnValue FromBit(ulong value, int bitCount) => new(ColumnValueKind.Bit, unchecked((long)value), default, bitCount);

    internal static ColumnValue FromEnum(int index) => new(ColumnValueKind.Enum, index);

    internal static ColumnValue FromSet(ulong mask) => new(ColumnValueKind.Set, unchecked((long)mask));

    internal static ColumnValue FromBytes(ColumnValueKind kind, ReadOnlyMemory<byte> bytes, int collation = 0) => new(kind, 0, bytes, collation);

    public long GetInt64() => Kind switch
    {
        ColumnValueKind.Int64 or ColumnValueKind.Year or ColumnValueKind.Enum => bits,
        ColumnValueKind.UInt64 or ColumnValueKind.Bit or ColumnValueKind.Set when bits >= 0 => bits,
        _ => throw WrongKind("Int64"),
    };

    public ulong GetUInt64() => Kind switch
    {
        ColumnValueKind.UInt64 or ColumnValueKind.Bit or ColumnValueKind.Set => unchecked((ulong)bits),
        ColumnValueKind.Int64 or ColumnValueKind.Year or ColumnValueKind.Enum when bits >= 0 => (ulong)bits,
        _ => throw WrongKind("UInt64"),
    };

    public double GetDouble() => Kind switch
    {
        ColumnValueKind.Double => BitConverter.Int64BitsToDouble(bits),
        ColumnValueKind.Single => BitConverter.Int32BitsToSingle((int)bits),
        _ => throw WrongKind("Double"),
    };

    public float GetSingle() => Kind == ColumnValueKind.Single ? BitConverter.Int32BitsToSingle((int)bits) : throw WrongKind("Single");

    public MySqlDecimal GetDecimal() =>
        Kind == ColumnValueKind.Decimal ? DecimalBinary.Decode(Bytes.Span, aux >> 8, aux & 0xFF) : throw WrongKind("Decimal");

    /// <summary>DATE and DATETIME values, including zero dates.</summary>
    public MySqlDateTime GetDateTime() =>
        Kind is ColumnValueKind.Date or ColumnValueKind.DateTime ? TemporalFormat.Unpack(bits) : throw WrongKind("DateTime");

    /// <summary>A TIME value (range -838:59:59 to 838:59:59, microsecond precision).</summary>
    public TimeSpan GetTime() => Kind == ColumnValueKind.Time ? TimeSpan.FromTicks(bits * 10) : throw WrongKind("Time");

    /// <summary>Microseconds since the Unix epoch of a TIMESTAMP value; 0 is MySQL's zero timestamp.</summary>
    public long GetTimestampMicroseconds() => Kind == ColumnValueKind.Timestamp ? bits : throw WrongKind("Timestamp");

    /// <summary>True for the zero date/datetime/timestamp (<c>0000-00-00 ...</c>), which has no .NET equivalent.</summary>
    public bool IsZeroDate => Kind switch
    {
        ColumnValueKind.Date or ColumnValueKind.DateTime => TemporalFormat.Unpack(bits).IsZero,
        ColumnValueKind.Timestamp => bits == 0,
        _ => false,
    };

    public DateTimeOffset GetTimestamp() =>
        IsZeroDate ? throw new InvalidOperationException("The value is the zero TIMESTAMP '0000-00-00 00:00:00'; check IsZeroDate first.")
                   : DateTimeOffset.UnixEpoch.AddTicks(GetTimestampMicroseconds() * 10);

    /// <summary>Fractional seconds precision of a temporal value's column.</summary>
    public int FractionalSecondsPrecision => Kind is ColumnValueKind.Time or ColumnValueKind.DateTime or ColumnValueKind.Timestamp ? aux : 0;

    public int BitCount => Kind == ColumnValueKind.Bit ? aux : 0;

    public string GetString() => Kind switch
    {
        ColumnValueKind.String or ColumnValueKind.Binary => MySqlCharsets.Decode(Bytes.Span, aux),
        ColumnValueKind.Json => JsonBinary.ToJsonText(Bytes.Span),
        _ => throw WrongKind("String"),
    };

    /// <summary>JSON text of a MySQL JSON column (binary JSON converted) or of a text column holding JSON (MariaDB's JSON is LONGTEXT).</summary>
    public string GetJsonText() => GetString();

    /// <summary>A copy whose bytes no longer reference the event buffer.</summary>
    public ColumnValue Detach() => Bytes.IsEmpty ? this : new ColumnValue(Kind, bits, Bytes.ToArray(), aux);

    /// <summary>The value in MySQL's text form (as SELECT prints it for most types); for tests and diagnostics.</summary>
    public string? ToDisplayString(BinlogColumn? column = null)
    {
        switch (Kind)
        {
            case ColumnValueKind.Null: return null;
            case ColumnValueKind.Int64: return bits.ToString(CultureInfo.InvariantCulture);
            case ColumnValueKind.UInt64: return unchecked((ulong)bits).ToString(CultureInfo.InvariantCulture);
            case ColumnValueKind.Single: return GetSingle().ToString("R", CultureInfo.InvariantCulture);
            case ColumnValueKind.Double: return GetDouble().ToString("R", CultureInfo.InvariantCulture);
            case ColumnValueKind.Decimal: return GetDecimal().ToString();
            case ColumnValueKind.Year: return bits.ToString("D4", CultureInfo.InvariantCulture);
            case ColumnValueKind.Date: return TemporalFormat.Format(TemporalFormat.Unpack(bits), false, 0);
            case ColumnValueKind.DateTime: return TemporalFormat.Format(TemporalFormat.Unpack(bits), true, aux);
            case ColumnValueKind.Time: return FormatTime(bits, aux);
            case ColumnValueKind.Timestamp:
                if (bits == 0)
                {
                    return "0000-00-00 00:00:00" + (aux > 0 ? "." + new string('0', aux) : string.Empty);
                }

                var utc = DateTimeOffset.UnixEpoch.AddTicks(bits * 10).UtcDateTime;
                return TemporalFormat.Format(MySqlDateTime.FromDateTime(utc), true, aux);
            case ColumnValueKind.Bit: return unchecked((ulong)bits).ToString(CultureInfo.InvariantCulture);
            case ColumnValueKind.Enum:
                return column?.EnumValues is { } values && bits >= 1 && bits <= values.Count ? values[(int)bits - 1] : bits == 0 ? string.Empty : bits.ToString(CultureInfo.InvariantCulture);
            case ColumnValueKind.Set:
                if (column?.SetValues is { } members)
                {
                    var sb = new StringBuilder();
                    for (var i = 0; i < members.Count && i < 64; i++)
                    {
                        if ((bits & (1L << i)) != 0)
                        {
                            sb.Append(sb.Length > 0 ? "," : string.Empty).Append(members[i]);
                        }
                    }

                    return sb.ToString();
                }

                return unchecked((ulong)bits).ToString(CultureInfo.InvariantCulture);
            case ColumnValueKind.String:
            case ColumnValueKind.Json:
                return GetString();
            default:
                return Convert.ToHexString(Bytes.Span);
        }
    }

    private static string FormatTime(long microseconds, int fsp)
    {
        var negative = microseconds < 0;
        var abs = Math.Abs(microseconds);
        var seconds = abs / 1_000_000;
        var text = string.Create(CultureInfo.InvariantCulture, $"{(negative ? "-" : string.Empty)}{seconds / 3600:D2}:{seconds / 60 % 60:D2}:{seconds % 60:D2}");
        return fsp > 0 ? text + "." + (abs % 1_000_000).ToString("D6", CultureInfo.InvariantCulture)[..fsp] : text;
    }

    public override string ToString() => ToDisplayString() ?? "NULL";

    private InvalidOperationException WrongKind(string wanted) => new($"Column value is {Kind}, not {wanted}.");
}
