using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Serverless.Delta.Schema;
using Serverless.Parquet;

namespace Serverless.Delta.DataFiles;

/// <summary>
/// Builds the per-file statistics JSON of an add action (numRecords, minValues, maxValues, nullCount) from the
/// Parquet writer's exact column statistics, keyed by physical column names, in the forms PROTOCOL.md wants:
/// strings cut to a 32-character prefix (max gets a tie-breaker so it stays an upper bound), timestamps as ISO-8601
/// truncated to milliseconds, dates as yyyy-MM-dd. Boolean and binary columns get null counts only.
/// </summary>
public static class FileStatistics
{
    /// <summary>Delta's default string prefix length for statistics.</summary>
    public const int StringPrefixLength = 32;

    /// <summary>Appended to a truncated max so it still sorts above every value with that prefix (the largest code point).</summary>
    private const string MaxTieBreaker = "\U0010FFFF";

    public static string Build(long numRecords, IReadOnlyList<(StructField Field, ParquetColumnStatistics? Stats)> columns, bool? tightBounds = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("numRecords", numRecords);
            w.WriteStartObject("minValues");
            foreach (var (field, stats) in columns)
            {
                WriteBound(w, field, stats?.Min, isMax: false);
            }

            w.WriteEndObject();
            w.WriteStartObject("maxValues");
            foreach (var (field, stats) in columns)
            {
                WriteBound(w, field, stats?.Max, isMax: true);
            }

            w.WriteEndObject();
            w.WriteStartObject("nullCount");
            foreach (var (field, stats) in columns)
            {
                if (stats?.NullCount is { } n)
                {
                    w.WriteNumber(field.PhysicalName, n);
                }
            }

            w.WriteEndObject();
            if (tightBounds is { } tb)
            {
                w.WriteBoolean("tightBounds", tb);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteBound(Utf8JsonWriter w, StructField field, object? raw, bool isMax)
    {
        if (raw is null)
        {
            return;
        }

        var name = field.PhysicalName;
        if (field.Type is DecimalType decimalType && raw is ParquetDecimal exact)
        {
            // Formatted from the unscaled 128-bit value: System.Decimal would overflow above 28 digits.
            w.WritePropertyName(name);
            w.WriteRawValue(exact.Rescale(decimalType.Scale).ToString(), skipInputValidation: true);
            return;
        }

        var value = DeltaScanValue(raw, field.Type);
        switch (value)
        {
            case long or int or short or sbyte:
                w.WriteNumber(name, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double d when double.IsFinite(d):
                w.WriteNumber(name, d);
                break;
            case float f when float.IsFinite(f):
                w.WriteNumber(name, f);
                break;
            case decimal m:
                w.WritePropertyName(name);
                w.WriteRawValue(m.ToString(CultureInfo.InvariantCulture), skipInputValidation: true);
                break;
            case ParquetDecimal p:
                w.WritePropertyName(name);
                w.WriteRawValue(p.ToString(), skipInputValidation: true);
                break;
            case string s:
                var truncated = TruncateString(s, isMax);
                if (truncated is not null)
                {
                    w.WriteString(name, truncated);
                }

                break;
            case DateOnly date:
                w.WriteString(name, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
            case DateTime dt when field.Type.Equals(PrimitiveType.Timestamp):
                w.WriteString(name, TruncateToMillis(dt).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                break;
            case DateTime dt:
                w.WriteString(name, TruncateToMillis(dt).ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture));
                break;
        }
    }

    /// <summary>Min: the prefix (≤ every value). Max: the prefix plus a tie-breaker (≥ every value); null when no bound fits.</summary>
    internal static string? TruncateString(string s, bool isMax)
    {
        var runes = 0;
        var cut = -1;
        for (var i = 0; i < s.Length; i += char.IsSurrogatePair(s, i) ? 2 : 1)
        {
            if (runes == StringPrefixLength)
            {
                cut = i;
                break;
            }

            runes++;
        }

        if (cut < 0)
        {
            return s;
        }

        return isMax ? string.Concat(s.AsSpan(0, cut), MaxTieBreaker) : s[..cut];
    }

    private static DateTime TruncateToMillis(DateTime dt) => new(dt.Ticks - (dt.Ticks % TimeSpan.TicksPerMillisecond), dt.Kind);

    private static object? DeltaScanValue(object raw, DeltaType type)
    {
        if (type.Equals(PrimitiveType.Boolean) || type.Equals(PrimitiveType.Binary) || type is StructType or ArrayType or MapType)
        {
            return null;
        }

        return Scanning.DeltaValues.FromParquet(raw, type);
    }
}
