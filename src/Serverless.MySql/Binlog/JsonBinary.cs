using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Serverless.MySql.Client;
using Serverless.MySql.Protocol;

namespace Serverless.MySql.Binlog;

/// <summary>
/// Converts MySQL's binary JSON (the JSON column's storage and binlog form) to JSON text, printing values the way MySQL
/// prints them (doubles keep a fraction, opaque DATE/TIME/DATETIME become quoted strings, DECIMAL a plain number).
/// </summary>
public static class JsonBinary
{
    private const int MaxDepth = 150;

    public const byte SmallObject = 0x00;
    public const byte LargeObject = 0x01;
    public const byte SmallArray = 0x02;
    public const byte LargeArray = 0x03;
    public const byte Literal = 0x04;
    public const byte Int16 = 0x05;
    public const byte UInt16 = 0x06;
    public const byte Int32 = 0x07;
    public const byte UInt32 = 0x08;
    public const byte Int64 = 0x09;
    public const byte UInt64 = 0x0a;
    public const byte Double = 0x0b;
    public const byte String = 0x0c;
    public const byte Opaque = 0x0f;

    public static string ToJsonText(ReadOnlySpan<byte> document)
    {
        if (document.IsEmpty)
        {
            // MySQL writes an empty value for a JSON null stored by some code paths.
            return "null";
        }

        var sb = new StringBuilder(document.Length * 2);
        WriteValue(document[0], document[1..], sb, 0);
        return sb.ToString();
    }

    private static void WriteValue(byte type, ReadOnlySpan<byte> data, StringBuilder sb, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new BinlogFormatException($"Binary JSON nests deeper than {MaxDepth} levels; the value is corrupt.");
        }

        switch (type)
        {
            case SmallObject: WriteContainer(data, large: false, isObject: true, sb, depth); break;
            case LargeObject: WriteContainer(data, large: true, isObject: true, sb, depth); break;
            case SmallArray: WriteContainer(data, large: false, isObject: false, sb, depth); break;
            case LargeArray: WriteContainer(data, large: true, isObject: false, sb, depth); break;
            case Literal: WriteLiteral(Need(data, 1)[0], sb); break;
            case Int16: sb.Append(BinaryPrimitives.ReadInt16LittleEndian(Need(data, 2)).ToString(CultureInfo.InvariantCulture)); break;
            case UInt16: sb.Append(BinaryPrimitives.ReadUInt16LittleEndian(Need(data, 2)).ToString(CultureInfo.InvariantCulture)); break;
            case Int32: sb.Append(BinaryPrimitives.ReadInt32LittleEndian(Need(data, 4)).ToString(CultureInfo.InvariantCulture)); break;
            case UInt32: sb.Append(BinaryPrimitives.ReadUInt32LittleEndian(Need(data, 4)).ToString(CultureInfo.InvariantCulture)); break;
            case Int64: sb.Append(BinaryPrimitives.ReadInt64LittleEndian(Need(data, 8)).ToString(CultureInfo.InvariantCulture)); break;
            case UInt64: sb.Append(BinaryPrimitives.ReadUInt64LittleEndian(Need(data, 8)).ToString(CultureInfo.InvariantCulture)); break;
            case Double: AppendDouble(BinaryPrimitives.ReadDoubleLittleEndian(Need(data, 8)), sb); break;
            case String:
                {
                    var length = ReadVariableLength(data, out var used);
                    AppendQuoted(Encoding.UTF8.GetString(Slice(data, used, length)), sb);
                    break;
                }

            case Opaque: WriteOpaque(data, sb); break;
            default: throw new BinlogFormatException($"Binary JSON has unknown value type 0x{type:x2}.");
        }
    }

    private static void WriteContainer(ReadOnlySpan<byte> data, bool large, bool isObject, StringBuilder sb, int depth)
    {
        var offsetSize = large ? 4 : 2;
        Need(data, 2 * offsetSize);
        var count = ReadOffset(data, 0, large);
        var size = ReadOffset(data, offsetSize, large);
        if (size > data.Length)
        {
            throw new BinlogFormatException($"Binary JSON {(isObject ? "object" : "array")} claims {size} bytes but only {data.Length} remain.");
        }

        data = data[..size];
        var keyEntrySize = offsetSize + 2;
        var valueEntrySize = 1 + offsetSize;
        var headerSize = (2 * offsetSize) + ((long)count * (isObject ? keyEntrySize + valueEntrySize : valueEntrySize));
        if (headerSize > size)
        {
            throw new BinlogFormatException($"Binary JSON {(isObject ? "object" : "array")} with {count} elements does not fit its {size} bytes.");
        }

        sb.Append(isObject ? '{' : '[');
        var valueEntries = (2 * offsetSize) + (isObject ? count * keyEntrySize : 0);
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            if (isObject)
            {
                var keyEntry = (2 * offsetSize) + (i * keyEntrySize);
                var keyOffset = ReadOffset(data, keyEntry, large);
                var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(data[(keyEntry + offsetSize)..]);
                AppendQuoted(Encoding.UTF8.GetString(Slice(data, keyOffset, keyLength)), sb);
                sb.Append(": ");
            }

            var entry = valueEntries + (i * valueEntrySize);
            var valueType = data[entry];
            var inlined = valueType is Literal or Int16 or UInt16 || (large && valueType is Int32 or UInt32);
            if (inlined)
            {
                WriteValue(valueType, data.Slice(entry + 1, offsetSize), sb, depth + 1);
            }
            else
            {
                var valueOffset = ReadOffset(data, entry + 1, large);
                if (valueOffset >= data.Length)
                {
                    throw new BinlogFormatException($"Binary JSON value offset {valueOffset} lies outside its {data.Length}-byte container.");
                }

                WriteValue(valueType, data[valueOffset..], sb, depth + 1);
            }
        }

        sb.Append(isObject ? '}' : ']');
    }

    private static void WriteLiteral(byte literal, StringBuilder sb) => sb.Append(literal switch
    {
        0 => "null",
        1 => "true",
        2 => "false",
        _ => throw new BinlogFormatException($"Binary JSON has unknown literal 0x{literal:x2}."),
    });

    private static void WriteOpaque(ReadOnlySpan<byte> data, StringBuilder sb)
    {
        var fieldType = (ColumnType)Need(data, 1)[0];
        var length = ReadVariableLength(data[1..], out var used);
        var payload = Slice(data, 1 + used, length);
        switch (fieldType)
        {
            case ColumnType.NewDecimal when payload.Length >= 2:
                sb.Append(DecimalBinary.Decode(payload[2..], payload[0], payload[1]).ToString());
                break;
            case ColumnType.Date when payload.Length >= 8:
                sb.Append('"').Append(TemporalFormat.Format(UnpackDateTime(BinaryPrimitives.ReadInt64LittleEndian(payload)), false, 0)).Append('"');
                break;
            case ColumnType.DateTime or ColumnType.Timestamp when payload.Length >= 8:
                sb.Append('"').Append(TemporalFormat.Format(UnpackDateTime(BinaryPrimitives.ReadInt64LittleEndian(payload)), true, 6)).Append('"');
                break;
            case ColumnType.Time when payload.Length >= 8:
                sb.Append('"').Append(UnpackTime(BinaryPrimitives.ReadInt64LittleEndian(payload))).Append('"');
                break;
            default:
                sb.Append("\"base64:type").Append((int)fieldType).Append(':').Append(Convert.ToBase64String(payload)).Append('"');
                break;
        }
    }

    /// <summary>MySQL's in-memory packed DATETIME: ((((year*13+month)&lt;&lt;5|day)&lt;&lt;17 | hour&lt;&lt;12|minute&lt;&lt;6|second) &lt;&lt; 24) + microseconds.</summary>
    internal static MySqlDateTime UnpackDateTime(long packed)
    {
        var value = Math.Abs(packed);
        var microseconds = (int)(value % (1L << 24));
        var integer = value >> 24;
        var ymd = integer >> 17;
        var ym = ymd >> 5;
        var hms = integer % (1L << 17);
        return new MySqlDateTime((int)(ym / 13), (int)(ym % 13), (int)(ymd % 32), (int)(hms >> 12), (int)((hms >> 6) % 64), (int)(hms % 64), microseconds);
    }

    internal static string UnpackTime(long packed)
    {
        var negative = packed < 0;
        var value = Math.Abs(packed);
        var microseconds = value % (1L << 24);
        var hms = value >> 24;
        return string.Create(CultureInfo.InvariantCulture,
            $"{(negative ? "-" : string.Empty)}{(hms >> 12) % (1 << 10):D2}:{(hms >> 6) % 64:D2}:{hms % 64:D2}.{microseconds:D6}");
    }

    private static void AppendDouble(double value, StringBuilder sb)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (text.Contains('E', StringComparison.Ordinal))
        {
            text = text.Replace("E+", "e", StringComparison.Ordinal).Replace("E", "e", StringComparison.Ordinal);
        }
        else if (!text.Contains('.', StringComparison.Ordinal) && double.IsFinite(value))
        {
            text += ".0";
        }

        sb.Append(text);
    }

    internal static void AppendQuoted(string text, StringBuilder sb)
    {
        sb.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case < ' ': sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: sb.Append(c); break;
            }
        }

        sb.Append('"');
    }

    private static int ReadOffset(ReadOnlySpan<byte> data, int at, bool large)
    {
        if (large)
        {
            var v = BinaryPrimitives.ReadUInt32LittleEndian(Slice(data, at, 4));
            return v > int.MaxValue ? throw new BinlogFormatException($"Binary JSON offset {v} is too large.") : (int)v;
        }

        return BinaryPrimitives.ReadUInt16LittleEndian(Slice(data, at, 2));
    }

    /// <summary>Lengths of strings and opaque values: 7 bits a byte, low bits first, high bit set while more bytes follow (at most 5).</summary>
    private static int ReadVariableLength(ReadOnlySpan<byte> data, out int used)
    {
        long length = 0;
        for (var i = 0; i < 5; i++)
        {
            var b = Need(data, i + 1)[i];
            length |= (long)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                used = i + 1;
                return length > int.MaxValue ? throw new BinlogFormatException($"Binary JSON length {length} is too large.") : (int)length;
            }
        }

        throw new BinlogFormatException("Binary JSON has a variable-length integer longer than 5 bytes.");
    }

    private static ReadOnlySpan<byte> Need(ReadOnlySpan<byte> data, int count) =>
        data.Length >= count ? data : throw new BinlogFormatException($"Binary JSON value is truncated: needs {count} bytes, {data.Length} remain.");

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> data, int start, int length) =>
        start >= 0 && length >= 0 && (long)start + length <= data.Length
            ? data.Slice(start, length)
            : throw new BinlogFormatException($"Binary JSON points at bytes {start}..{(long)start + length} outside its {data.Length}-byte value.");
}
