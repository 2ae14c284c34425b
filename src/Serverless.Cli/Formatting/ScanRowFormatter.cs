using System.Globalization;
using System.Text;
using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;
using Serverless.Parquet;

namespace Serverless.Cli.Formatting;

/// <summary>
/// Renders the rows of scan batches exactly, per the column's Delta type: integers and floats round-trip, decimals
/// with their scale (long and decimal through <see cref="RowWriter.WriteExactNumber"/>, strings in JSON), dates yyyy-MM-dd, timestamps ISO-8601 with microseconds ('Z' for timestamp, none for
/// timestamp_ntz), binary as base64. Values are read straight from the Parquet buffers where the file stores the
/// column's own type (no boxing); anything else (partition values, widened types) goes through the scan's CLR value.
/// </summary>
internal sealed class ScanRowFormatter
{
    private readonly ValueKind[] kinds;
    private readonly int[] scales;
    private char[] scratch = new char[256];

    public ScanRowFormatter(IReadOnlyList<StructField> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        kinds = new ValueKind[columns.Count];
        scales = new int[columns.Count];
        for (var c = 0; c < columns.Count; c++)
        {
            (kinds[c], scales[c]) = Classify(columns[c].Type);
        }
    }

    private enum ValueKind
    {
        Boolean,
        Integer,
        Long,
        Float,
        Double,
        Decimal,
        String,
        Binary,
        Date,
        Timestamp,
        TimestampNtz,
        Other,
    }

    public void WriteRow(ScanBatch batch, int row, RowWriter writer)
    {
        writer.BeginRow();
        for (var c = 0; c < kinds.Length; c++)
        {
            var buffer = batch.GetBuffer(c);
            if (buffer is null)
            {
                WriteClr(c, batch.GetValue(row, c), writer);
            }
            else if (buffer.IsNull(row))
            {
                writer.WriteNull(c);
            }
            else if (!TryWriteStored(c, buffer, row, writer))
            {
                WriteClr(c, batch.GetValue(row, c), writer);
            }
        }

        writer.EndRow();
    }

    private static (ValueKind Kind, int Scale) Classify(DeltaType type) => type switch
    {
        DecimalType d => (ValueKind.Decimal, d.Scale),
        PrimitiveType { Name: "boolean" } => (ValueKind.Boolean, 0),
        PrimitiveType { Name: "byte" or "short" or "integer" } => (ValueKind.Integer, 0),
        PrimitiveType { Name: "long" } => (ValueKind.Long, 0),
        PrimitiveType { Name: "float" } => (ValueKind.Float, 0),
        PrimitiveType { Name: "double" } => (ValueKind.Double, 0),
        PrimitiveType { Name: "string" } => (ValueKind.String, 0),
        PrimitiveType { Name: "binary" } => (ValueKind.Binary, 0),
        PrimitiveType { Name: "date" } => (ValueKind.Date, 0),
        PrimitiveType { Name: "timestamp" } => (ValueKind.Timestamp, 0),
        PrimitiveType { Name: "timestamp_ntz" } => (ValueKind.TimestampNtz, 0),
        _ => (ValueKind.Other, 0),
    };

    /// <summary>Writes the value from the buffer when the file stores it in the column's own representation; false otherwise.</summary>
    private bool TryWriteStored(int c, ParquetColumnBuffer buffer, int row, RowWriter writer)
    {
        var column = buffer.Column;
        var logical = column.LogicalType;
        switch (kinds[c])
        {
            case ValueKind.Boolean when column.PhysicalType == ParquetPhysicalType.Boolean:
                writer.WriteToken(c, buffer.BooleanValues[row] ? "true" : "false");
                return true;
            case ValueKind.Integer or ValueKind.Long when column.PhysicalType == ParquetPhysicalType.Int32 && (logical is null || (logical.Kind == ParquetLogicalTypeKind.Integer && logical.IsSigned)):
                WriteInteger(c, buffer.Int32Values[row], writer);
                return true;
            case ValueKind.Integer or ValueKind.Long when column.PhysicalType == ParquetPhysicalType.Int64 && (logical is null || (logical.Kind == ParquetLogicalTypeKind.Integer && logical.IsSigned)):
                WriteInteger(c, buffer.Int64Values[row], writer);
                return true;
            case ValueKind.Float when column.PhysicalType == ParquetPhysicalType.Float:
                WriteFloat(c, buffer.FloatValues[row], writer);
                return true;
            case ValueKind.Double when column.PhysicalType == ParquetPhysicalType.Double:
                WriteDouble(c, buffer.DoubleValues[row], writer);
                return true;
            case ValueKind.Decimal when column.IsDecimal:
                WriteDecimal(c, buffer.GetDecimal(row), writer);
                return true;
            case ValueKind.String when column.PhysicalType == ParquetPhysicalType.ByteArray:
                WriteUtf8(c, buffer.GetBytes(row), writer);
                return true;
            case ValueKind.Binary when column.PhysicalType is ParquetPhysicalType.ByteArray or ParquetPhysicalType.FixedLenByteArray:
                WriteBase64(c, buffer.GetBytes(row), writer);
                return true;
            case ValueKind.Date when column.PhysicalType == ParquetPhysicalType.Int32 && logical?.Kind == ParquetLogicalTypeKind.Date:
                WriteDate(c, buffer.Int32Values[row], writer);
                return true;
            case ValueKind.Timestamp or ValueKind.TimestampNtz when column.PhysicalType == ParquetPhysicalType.Int64 && logical?.Kind == ParquetLogicalTypeKind.Timestamp:
                var raw = buffer.Int64Values[row];
                var micros = logical.Unit switch
                {
                    ParquetTimeUnit.Millis => raw * 1000,
                    ParquetTimeUnit.Nanos => Math.DivRem(raw, 1000, out var rem) - (rem < 0 ? 1 : 0),
                    _ => raw,
                };
                WriteTimestamp(c, micros, writer);
                return true;
            case ValueKind.Timestamp or ValueKind.TimestampNtz when column.PhysicalType == ParquetPhysicalType.Int96:
                WriteTimestamp(c, ParquetValues.Int96ToUnixMicros(buffer.GetBytes(row)), writer);
                return true;
            default:
                return false;
        }
    }

    private void WriteClr(int c, object? value, RowWriter writer)
    {
        switch (value)
        {
            case null:
                writer.WriteNull(c);
                break;
            case bool b:
                writer.WriteToken(c, b ? "true" : "false");
                break;
            case long or int or short or sbyte or byte:
                WriteInteger(c, Convert.ToInt64(value, CultureInfo.InvariantCulture), writer);
                break;
            case float f when kinds[c] != ValueKind.Double:
                WriteFloat(c, f, writer);
                break;
            case float or double:
                WriteDouble(c, Convert.ToDouble(value, CultureInfo.InvariantCulture), writer);
                break;
            case decimal m:
                WriteDecimal(c, ParquetDecimal.FromDecimal(m), writer);
                break;
            case ParquetDecimal pd:
                WriteDecimal(c, pd, writer);
                break;
            case string s:
                writer.WriteText(c, s);
                break;
            case byte[] bytes:
                WriteBase64(c, bytes, writer);
                break;
            case DateOnly d:
                WriteDate(c, d.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber, writer);
                break;
            case DateTime dt:
                WriteTimestamp(c, TemporalText.ToUnixMicros(dt), writer);
                break;
            case DateTimeOffset dto:
                WriteTimestamp(c, TemporalText.ToUnixMicros(dto.UtcDateTime), writer);
                break;
            default:
                writer.WriteText(c, Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty);
                break;
        }
    }

    private void WriteInteger(int c, long value, RowWriter writer)
    {
        Span<char> text = stackalloc char[20];
        value.TryFormat(text, out var n, default, CultureInfo.InvariantCulture);
        if (kinds[c] is ValueKind.Long or ValueKind.Decimal)
        {
            writer.WriteExactNumber(c, text[..n]);
        }
        else
        {
            writer.WriteToken(c, text[..n]);
        }
    }

    private static void WriteFloat(int c, float value, RowWriter writer)
    {
        if (!float.IsFinite(value))
        {
            writer.WriteNonFiniteNumber(c, float.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
            return;
        }

        Span<char> text = stackalloc char[32];
        value.TryFormat(text, out var n, "R", CultureInfo.InvariantCulture);
        writer.WriteToken(c, text[..n]);
    }

    private static void WriteDouble(int c, double value, RowWriter writer)
    {
        if (!double.IsFinite(value))
        {
            writer.WriteNonFiniteNumber(c, double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
            return;
        }

        Span<char> text = stackalloc char[32];
        value.TryFormat(text, out var n, "R", CultureInfo.InvariantCulture);
        writer.WriteToken(c, text[..n]);
    }

    private void WriteDecimal(int c, ParquetDecimal value, RowWriter writer)
    {
        var scale = scales[c];
        if (value.Scale != scale)
        {
            value = value.Rescale(scale);
        }

        Span<char> text = stackalloc char[DecimalText.MaxLength];
        var n = DecimalText.Format(value.Unscaled, scale, text);
        writer.WriteExactNumber(c, text[..n]);
    }

    private void WriteUtf8(int c, ReadOnlySpan<byte> utf8, RowWriter writer)
    {
        var chars = Scratch(Encoding.UTF8.GetMaxCharCount(utf8.Length));
        var n = Encoding.UTF8.GetChars(utf8, chars);
        writer.WriteText(c, chars.AsSpan(0, n));
    }

    private void WriteBase64(int c, ReadOnlySpan<byte> bytes, RowWriter writer)
    {
        var chars = Scratch(((bytes.Length + 2) / 3 * 4) + 4);
        Convert.TryToBase64Chars(bytes, chars, out var n);
        writer.WriteText(c, chars.AsSpan(0, n));
    }

    private static void WriteDate(int c, long days, RowWriter writer)
    {
        Span<char> text = stackalloc char[TemporalText.MaxLength];
        var n = TemporalText.FormatDate(days, text);
        writer.WriteText(c, text[..n]);
    }

    private void WriteTimestamp(int c, long micros, RowWriter writer)
    {
        Span<char> text = stackalloc char[TemporalText.MaxLength];
        var n = TemporalText.FormatTimestamp(micros, kinds[c] != ValueKind.TimestampNtz, text);
        writer.WriteText(c, text[..n]);
    }

    private char[] Scratch(int length)
    {
        if (scratch.Length < length)
        {
            scratch = new char[Math.Max(length, scratch.Length * 2)];
        }

        return scratch;
    }
}
