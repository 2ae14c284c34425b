using System.Globalization;
using System.Text.Json;
using Serverless.Delta.Schema;
using Serverless.Parquet;

namespace Serverless.Delta.Scanning;

/// <summary>
/// The CLR value of each Delta type, as scans return it: long, int, short, sbyte, float, double, decimal, bool,
/// string, byte[], DateOnly (date), DateTime UTC (timestamp), DateTime Unspecified (timestamp_ntz). Decimals of
/// precision up to 28 are System.Decimal; wider ones (up to 38 digits, beyond System.Decimal) are exact
/// <see cref="ParquetDecimal"/> values at the column's scale.
/// </summary>
public static class DeltaValues
{
    /// <summary>System.Decimal holds every value of up to 28 digits (some of 29); wider decimals use <see cref="ParquetDecimal"/>.</summary>
    public const int MaxSystemDecimalPrecision = 28;

    /// <summary>Whether the column's values come back as System.Decimal (else as exact <see cref="ParquetDecimal"/>).</summary>
    public static bool FitsSystemDecimal(DecimalType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Precision <= MaxSystemDecimalPrecision;
    }

    /// <summary>Converts a value read from Parquet (possibly of a narrower type: type widening) to the column's Delta type.</summary>
    public static object? FromParquet(object? value, DeltaType type)
    {
        if (value is null)
        {
            return null;
        }

        switch (type)
        {
            case DecimalType d when !FitsSystemDecimal(d):
                return value switch
                {
                    ParquetDecimal pd => pd.Rescale(d.Scale),
                    decimal m => ParquetDecimal.FromDecimal(m).Rescale(d.Scale),
                    int i => new ParquetDecimal(i, 0).Rescale(d.Scale),
                    long l => new ParquetDecimal(l, 0).Rescale(d.Scale),
                    string s => ParquetDecimal.Parse(s).Rescale(d.Scale),
                    _ => ParquetDecimal.Parse(Convert.ToString(value, CultureInfo.InvariantCulture)!).Rescale(d.Scale),
                };
            case DecimalType d:
                var dec = value switch
                {
                    ParquetDecimal pd => pd.Rescale(d.Scale).ToDecimal(),
                    decimal m => m,
                    int i => i,
                    long l => l,
                    _ => Convert.ToDecimal(value, CultureInfo.InvariantCulture),
                };
                return decimal.Round(dec, d.Scale);
            case PrimitiveType p:
                switch (p.Name)
                {
                    case "long": return Convert.ToInt64(value, CultureInfo.InvariantCulture);
                    case "integer": return Convert.ToInt32(value, CultureInfo.InvariantCulture);
                    case "short": return Convert.ToInt16(value, CultureInfo.InvariantCulture);
                    case "byte": return Convert.ToSByte(value, CultureInfo.InvariantCulture);
                    case "float": return Convert.ToSingle(value, CultureInfo.InvariantCulture);
                    case "double": return Convert.ToDouble(value, CultureInfo.InvariantCulture);
                    case "boolean": return (bool)value;
                    case "string": return value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture);
                    case "binary": return value as byte[] ?? throw new InvalidCastException($"Expected bytes for a binary column; got {value.GetType().Name}.");
                    case "date": return value is DateOnly date ? date : DateOnly.FromDateTime((DateTime)value);
                    case "timestamp":
                        return value switch
                        {
                            DateTime dt => DateTime.SpecifyKind(dt, DateTimeKind.Utc),
                            DateTimeOffset dto => dto.UtcDateTime,
                            long micros => DateTime.UnixEpoch.AddTicks(micros * 10),
                            _ => throw new InvalidCastException($"Expected a timestamp; got {value.GetType().Name}."),
                        };
                    case "timestamp_ntz":
                        return value switch
                        {
                            DateTime dt => DateTime.SpecifyKind(dt, DateTimeKind.Unspecified),
                            DateOnly d => d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified),
                            long micros => DateTime.SpecifyKind(DateTime.UnixEpoch.AddTicks(micros * 10), DateTimeKind.Unspecified),
                            _ => throw new InvalidCastException($"Expected a timestamp; got {value.GetType().Name}."),
                        };
                }

                break;
        }

        return value;
    }

    /// <summary>Parses a partition value string (PROTOCOL.md, Partition Value Serialization); null or "" is null.</summary>
    public static object? ParsePartitionValue(string? text, DeltaType type)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var inv = CultureInfo.InvariantCulture;
        return type switch
        {
            DecimalType d when !FitsSystemDecimal(d) => ParquetDecimal.Parse(text).Rescale(d.Scale),
            DecimalType => decimal.Parse(text, NumberStyles.Float, inv),
            PrimitiveType { Name: "long" } => long.Parse(text, inv),
            PrimitiveType { Name: "integer" } => int.Parse(text, inv),
            PrimitiveType { Name: "short" } => short.Parse(text, inv),
            PrimitiveType { Name: "byte" } => sbyte.Parse(text, inv),
            PrimitiveType { Name: "float" } => float.Parse(text, inv),
            PrimitiveType { Name: "double" } => double.Parse(text, inv),
            PrimitiveType { Name: "boolean" } => bool.Parse(text),
            PrimitiveType { Name: "date" } => DateOnly.ParseExact(text, "yyyy-MM-dd", inv),
            PrimitiveType { Name: "timestamp" } => ParseTimestamp(text, utc: true),
            PrimitiveType { Name: "timestamp_ntz" } => ParseTimestamp(text, utc: false),
            PrimitiveType { Name: "binary" } => System.Text.Encoding.UTF8.GetBytes(text),
            _ => text,
        };
    }

    /// <summary>Reads a minValues/maxValues entry of the stats JSON as the column's CLR type (null when absent or unusable).</summary>
    public static object? FromStats(JsonElement value, DeltaType type)
    {
        try
        {
            return value.ValueKind switch
            {
                JsonValueKind.Number => type switch
                {
                    DecimalType d when !FitsSystemDecimal(d) => ParseExactDecimal(value.GetRawText(), d),
                    DecimalType => value.GetDecimal(),
                    PrimitiveType { Name: "long" } => value.GetInt64(),
                    PrimitiveType { Name: "integer" } => value.GetInt32(),
                    PrimitiveType { Name: "short" } => value.GetInt16(),
                    PrimitiveType { Name: "byte" } => value.GetSByte(),
                    PrimitiveType { Name: "float" } => value.GetSingle(),
                    PrimitiveType { Name: "double" } => value.GetDouble(),
                    _ => null,
                },
                JsonValueKind.String => type switch
                {
                    PrimitiveType { Name: "string" } => value.GetString(),
                    PrimitiveType { Name: "date" } => DateOnly.ParseExact(value.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                    PrimitiveType { Name: "timestamp" } => ParseTimestamp(value.GetString()!, utc: true),
                    PrimitiveType { Name: "timestamp_ntz" } => ParseTimestamp(value.GetString()!, utc: false),
                    DecimalType d when !FitsSystemDecimal(d) => ParseExactDecimal(value.GetString()!, d),
                    DecimalType => decimal.Parse(value.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture),
                    _ => null,
                },
                _ => null,
            };
        }
        catch (FormatException)
        {
            return null;
        }
        catch (OverflowException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            // A bound with more fractional digits than the column's scale cannot be exact: no bound.
            return null;
        }
    }

    /// <summary>A plain decimal literal (digits, optional sign and point) at the column's scale; exponent forms fall back through decimal.</summary>
    private static ParquetDecimal ParseExactDecimal(string text, DecimalType type)
    {
        if (text.AsSpan().IndexOfAny('e', 'E') >= 0)
        {
            return ParquetDecimal.FromDecimal(decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)).Rescale(type.Scale);
        }

        return ParquetDecimal.Parse(text).Rescale(type.Scale);
    }

    /// <summary>Compares two values of one Delta type (numbers across widths, strings by UTF-8 order as Spark does).</summary>
    public static int Compare(object a, object b)
    {
        if (a is string sa && b is string sb)
        {
            return CompareUtf8(sa, sb);
        }

        if (a is ParquetDecimal || b is ParquetDecimal)
        {
            if (a is double or float || b is double or float)
            {
                return ToDouble(a).CompareTo(ToDouble(b));
            }

            return ToExact(a).CompareTo(ToExact(b));
        }

        if (IsNumber(a) && IsNumber(b))
        {
            return a is double or float || b is double or float
                ? Convert.ToDouble(a, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(b, CultureInfo.InvariantCulture))
                : Convert.ToDecimal(a, CultureInfo.InvariantCulture).CompareTo(Convert.ToDecimal(b, CultureInfo.InvariantCulture));
        }

        if (a is DateTime da && b is DateTime db)
        {
            return da.Ticks.CompareTo(db.Ticks);
        }

        return a is IComparable c ? c.CompareTo(b) : throw new ArgumentException($"Cannot compare {a.GetType().Name} with {b.GetType().Name}.");
    }

    private static ParquetDecimal ToExact(object o) => o switch
    {
        ParquetDecimal p => p,
        decimal m => ParquetDecimal.FromDecimal(m),
        _ => new ParquetDecimal(Convert.ToInt64(o, CultureInfo.InvariantCulture), 0),
    };

    private static double ToDouble(object o) => o is ParquetDecimal p
        ? double.Parse(p.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture)
        : Convert.ToDouble(o, CultureInfo.InvariantCulture);

    private static bool IsNumber(object o) => o is long or int or short or sbyte or byte or float or double or decimal;

    private static int CompareUtf8(string a, string b)
    {
        // Ordinal UTF-16 order differs from UTF-8 byte order only for surrogates vs U+E000..U+FFFF; compare by code point.
        var ea = a.EnumerateRunes();
        var eb = b.EnumerateRunes();
        while (true)
        {
            var ha = ea.MoveNext();
            var hb = eb.MoveNext();
            if (!ha || !hb)
            {
                return ha == hb ? 0 : ha ? 1 : -1;
            }

            var c = ea.Current.Value.CompareTo(eb.Current.Value);
            if (c != 0)
            {
                return c;
            }
        }
    }

    private static DateTime ParseTimestamp(string text, bool utc)
    {
        var styles = utc ? DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal : DateTimeStyles.None;
        string[] formats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFF", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFF"];
        var dt = DateTime.ParseExact(text, formats, CultureInfo.InvariantCulture, styles);
        return DateTime.SpecifyKind(dt, utc ? DateTimeKind.Utc : DateTimeKind.Unspecified);
    }
}
