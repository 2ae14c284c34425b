using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.Parquet;

namespace Serverless.Cdc.Verify;

/// <summary>
/// One mapped column's canonical text: the form in which a source value and the lake value it maps to are equal exactly
/// when the lake holds what the mapping makes of the source. The source side is a SQL expression evaluated by the server
/// (<see cref="SqlExpression"/>), the lake side is computed in C# from the scanned value (<see cref="Format"/>); NULL stays
/// NULL on both (never the empty string). The forms:
/// <list type="bullet">
/// <item>integers (also YEAR, BIGINT UNSIGNED): decimal digits (YEAR and ZEROFILL columns as <c>(c + 0)</c>, so neither pads);</item>
/// <item>DECIMAL(p ≤ 38, s): digits with exactly s fraction digits; wider DECIMAL (a lake string) its server text;</item>
/// <item>FLOAT/DOUBLE: the binary value exactly, as <c>±{e}p{m}</c> with the binary exponent e and the 52 fraction bits m
/// as an integer (0 for zero): power-of-two scaling is exact in both IEEE arithmetic and SQL, where decimal text depends
/// on each side's printing rules;</item>
/// <item>DATE <c>YYYY-MM-DD</c>, DATETIME and TIMESTAMP (UTC session) <c>YYYY-MM-DD HH:MM:SS.ffffff</c> (always 6 digits);
/// zero and partial-zero dates become what <c>types.zeroDate</c> makes of them (NULL or that date's midnight);</item>
/// <item>TIME as the server's text, or microseconds with <c>types.time = microseconds</c>;</item>
/// <item>character types, ENUM, SET, INET, UUID: the UTF-8 text; TEXT-family and JSON columns by MD5 of it (their CONCAT
/// could pass max_allowed_packet); JSON is the text as stored (MariaDB keeps it verbatim, MySQL returns its normalized
/// serialization, which is what the snapshot wrote);</item>
/// <item>BINARY, VARBINARY: upper-case hex; BLOB family, VECTOR and GEOMETRY (WKB, SRID dropped) by MD5 of the bytes;</item>
/// <item>BIT: the unsigned number, whether the lake holds a boolean, a long or big-endian bytes.</item>
/// </list>
/// </summary>
public sealed class CanonicalColumn
{
    private const string Md5Prefix = "md5:";
    /// <summary>The SQL of what a zero date becomes: NULL, or the literal canonical text of <c>types.zeroDate</c>.</summary>
    private readonly string zeroDateSql;
    private readonly bool isBit;

    public CanonicalColumn(MappedColumn column, TypeMappingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(column);
        Column = column;
        options ??= new TypeMappingOptions();
        isBit = column.Source.DataType == "bit";
        IsDigest = column.Conversion == ValueConversion.GeometryWkb || IsLargeObject(column.Source.DataType);
        zeroDateSql = options.ZeroDateValue is { } zero
            ? SqlText.String(zero.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + (column.Conversion == ValueConversion.Date ? string.Empty : " 00:00:00.000000"))
            : "NULL";
        SqlExpression = BuildSql();
    }

    public MappedColumn Column { get; }

    public string Name => Column.Source.Name;

    /// <summary>True when the canonical text is an MD5 digest of the value (large objects), not the value itself.</summary>
    public bool IsDigest { get; }

    /// <summary>The SQL expression giving this column's canonical text (NULL for NULL) in a session prepared like the snapshot's (utf8mb4, time_zone '+00:00').</summary>
    public string SqlExpression { get; }

    /// <summary>
    /// What is NULL exactly when <see cref="SqlExpression"/> is: the column itself (cheaper), except for date-like columns,
    /// whose zero dates may map to NULL.
    /// </summary>
    public string SqlNullTest => Column.Conversion is ValueConversion.Date or ValueConversion.DateTimeNtz or ValueConversion.TimestampUtc
        ? SqlExpression
        : SqlText.Identifier(Column.Source.Name);

    /// <summary>The canonical text of a lake value as <see cref="Serverless.Delta.Scanning.DeltaValues"/> returns it, or null.</summary>
    public string? Format(object? value)
    {
        if (value is null)
        {
            return null;
        }

        var inv = CultureInfo.InvariantCulture;
        switch (Column.Conversion)
        {
            case ValueConversion.Float:
            case ValueConversion.Double:
                return FormatBinaryFloat(Convert.ToDouble(value, inv));
            case ValueConversion.Decimal:
            case ValueConversion.UInt64Decimal:
                {
                    var scale = Column.Conversion == ValueConversion.Decimal ? Column.Source.NumericScale ?? 0 : 0;
                    var exact = value switch
                    {
                        ParquetDecimal pd => pd,
                        decimal m => ParquetDecimal.FromDecimal(m),
                        _ => ParquetDecimal.Parse(Convert.ToString(value, inv)!),
                    };
                    return exact.Rescale(scale).ToString();
                }

            case ValueConversion.Date:
                return value is DateOnly d ? d.ToString("yyyy-MM-dd", inv) : ((DateTime)value).ToString("yyyy-MM-dd", inv);
            case ValueConversion.DateTimeNtz:
            case ValueConversion.TimestampUtc:
                return ((DateTime)value).ToString("yyyy-MM-dd HH:mm:ss.ffffff", inv);
            case ValueConversion.BitBoolean:
                return value is bool b ? (b ? "1" : "0") : Convert.ToString(value, inv);
            case ValueConversion.BitLong:
                return unchecked((ulong)Convert.ToInt64(value, inv)).ToString(inv);
            case ValueConversion.Binary when isBit:
                {
                    ulong bits = 0;
                    foreach (var x in (byte[])value)
                    {
                        bits = (bits << 8) | x;
                    }

                    return bits.ToString(inv);
                }

            case ValueConversion.Binary:
            case ValueConversion.GeometryWkb:
                return IsDigest ? Md5Hex((byte[])value) : Convert.ToHexString((byte[])value);
            case ValueConversion.Text:
                {
                    var text = value as string ?? Convert.ToString(value, inv)!;
                    return IsDigest ? Md5Hex(Encoding.UTF8.GetBytes(text)) : text;
                }

            default:
                return Convert.ToString(value, inv);
        }
    }

    /// <summary>
    /// The canonical text as a person reads it: digests marked as such, binary as 0x.., binary floating point as its
    /// shortest round-trip decimal.
    /// </summary>
    public string Display(string? canonical)
    {
        if (canonical is null)
        {
            return "NULL";
        }

        if (IsDigest)
        {
            return Md5Prefix + canonical;
        }

        return Column.Conversion switch
        {
            ValueConversion.Float => ((float)ParseBinaryFloat(canonical)).ToString("R", CultureInfo.InvariantCulture),
            ValueConversion.Double => ParseBinaryFloat(canonical).ToString("R", CultureInfo.InvariantCulture),
            ValueConversion.Binary when !isBit => "0x" + canonical,
            _ => canonical,
        };
    }

    /// <summary>
    /// A double's exact value as <c>{sign}{e}p{m}</c> (sign <c>+</c> or <c>-</c>): |v| = (1 + m / 2^52) * 2^e with 1 ≤ |v| / 2^e &lt; 2 (subnormals too, with
    /// their true exponent); zero (either sign) is <c>0</c>.
    /// </summary>
    public static string FormatBinaryFloat(double value)
    {
        if (value == 0)
        {
            return "0";
        }

        if (!double.IsFinite(value))
        {
            // MySQL stores neither; a lake holding one differs from every source value.
            return value.ToString(CultureInfo.InvariantCulture);
        }

        var magnitude = Math.Abs(value);
        var exponent = Math.ILogB(magnitude);
        var fraction = (ulong)((Math.ScaleB(magnitude, -exponent) - 1) * 4503599627370496.0);
        return string.Create(CultureInfo.InvariantCulture, $"{(value < 0 ? '-' : '+')}{exponent}p{fraction}");
    }

    /// <summary>The inverse of <see cref="FormatBinaryFloat"/>.</summary>
    public static double ParseBinaryFloat(string canonical)
    {
        ArgumentNullException.ThrowIfNull(canonical);
        var p = canonical.IndexOf('p', StringComparison.Ordinal);
        if (p < 0)
        {
            return double.Parse(canonical, CultureInfo.InvariantCulture);
        }

        var negative = canonical[0] == '-';
        var exponent = int.Parse(canonical.AsSpan(1, p - 1), CultureInfo.InvariantCulture);
        var fraction = ulong.Parse(canonical.AsSpan(p + 1), CultureInfo.InvariantCulture);
        var magnitude = Math.ScaleB(1 + (fraction / 4503599627370496.0), exponent);
        return negative ? -magnitude : magnitude;
    }

    private string BuildSql()
    {
        var c = SqlText.Identifier(Column.Source.Name);
        switch (Column.Conversion)
        {
            case ValueConversion.Int8 or ValueConversion.Int16 or ValueConversion.Int32 or ValueConversion.Int64 or ValueConversion.UInt64Decimal
                or ValueConversion.Decimal when Column.Source.DataType != "year" && !Column.Source.ColumnType.Contains("zerofill", StringComparison.OrdinalIgnoreCase):
                // The server's own text is already the canonical one; arithmetic would cost it a conversion per value.
                return c;
            case ValueConversion.Int8 or ValueConversion.Int16 or ValueConversion.Int32 or ValueConversion.Int64 or ValueConversion.UInt64Decimal
                or ValueConversion.Decimal or ValueConversion.BitBoolean or ValueConversion.BitLong:
                return $"({c} + 0)";
            case ValueConversion.Binary when isBit:
                return $"({c} + 0)";
            case ValueConversion.Float:
                return BinaryFloatSql($"CAST({c} AS DOUBLE)");
            case ValueConversion.Double:
                return BinaryFloatSql(c);
            case ValueConversion.Date:
                return ZeroDateAware(c, $"DATE_FORMAT({c}, '%Y-%m-%d')");
            case ValueConversion.DateTimeNtz:
            case ValueConversion.TimestampUtc:
                return ZeroDateAware(c, $"DATE_FORMAT({c}, '%Y-%m-%d %H:%i:%s.%f')");
            case ValueConversion.TimeMicroseconds:
                return $"CAST(TIME_TO_SEC({c}) * 1000000 AS SIGNED)";
            case ValueConversion.Binary:
                return IsDigest ? $"MD5({c})" : $"HEX({c})";
            case ValueConversion.GeometryWkb:
                return $"MD5(SUBSTRING({c}, 5))";
            case ValueConversion.Text:
                return IsDigest ? $"MD5(CONVERT({c} USING utf8mb4))" : $"CONVERT({c} USING utf8mb4)";
            default:
                throw new NotSupportedException($"Column '{Column.Source.Name}' ({Column.Source.ColumnType}) has conversion {Column.Conversion}, which verify has no canonical form for.");
        }
    }

    /// <summary>
    /// The exponent is FLOOR(LOG2(|d|)) corrected by one either way (LOG2 rounds near powers of two), first kept within
    /// the exponents a power of two can have (LOG2 of the largest double rounds to 1024, whose power overflows); dividing
    /// by a power of two and subtracting 1 from a value in [1, 2) are exact, so the fraction bits come out exactly.
    /// </summary>
    private static string BinaryFloatSql(string d)
    {
        var a = $"ABS({d})";
        var e0 = $"LEAST(GREATEST(FLOOR(LOG2({a})), -1074), 1023)";
        var e = $"({e0} + ({a} / POW(2, {e0}) >= 2) - ({a} / POW(2, {e0}) < 1))";
        return $"IF({d} = 0, '0', CONCAT(IF({d} < 0, '-', '+'), CAST({e} AS SIGNED), 'p', CAST(({a} / POW(2, {e}) - 1) * 4503599627370496 AS UNSIGNED)))";
    }

    /// <summary>A zero or partial-zero date (zero year, month or day, or a day past the month's end) is what types.zeroDate makes of it.</summary>
    private string ZeroDateAware(string c, string formatted)
    {
        return $"IF(YEAR({c}) = 0 OR MONTH({c}) = 0 OR DAYOFMONTH({c}) = 0 OR LAST_DAY({c}) IS NULL OR DAYOFMONTH({c}) > DAYOFMONTH(LAST_DAY({c})), {zeroDateSql}, {formatted})";
    }

    private static bool IsLargeObject(string dataType) => dataType is "tinytext" or "text" or "mediumtext" or "longtext" or "long" or "long varchar" or "json"
        or "tinyblob" or "blob" or "mediumblob" or "longblob" or "long varbinary" or "vector";

    private static string Md5Hex(byte[] bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));
}
