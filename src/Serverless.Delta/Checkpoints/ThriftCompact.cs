using System.Buffers;
using System.Text;

namespace Serverless.Delta.Checkpoints;

/// <summary>
/// The Thrift compact protocol as Parquet footers and page headers use it, read into a generic tree: a struct is a
/// field-id → value map (long for integers, bool, byte[] for binary, List&lt;object&gt;, nested struct maps).
/// Checkpoints need only a handful of Parquet structures, so a generic tree keeps this small.
/// </summary>
internal static class ThriftCompact
{
    public const byte TypeBoolTrue = 1;
    public const byte TypeBoolFalse = 2;
    public const byte TypeByte = 3;
    public const byte TypeI16 = 4;
    public const byte TypeI32 = 5;
    public const byte TypeI64 = 6;
    public const byte TypeDouble = 7;
    public const byte TypeBinary = 8;
    public const byte TypeList = 9;
    public const byte TypeSet = 10;
    public const byte TypeMap = 11;
    public const byte TypeStruct = 12;

    private const int MaxDepth = 32;

    /// <summary>Reads one struct starting at <paramref name="pos"/>; advances it past the struct.</summary>
    public static Dictionary<short, object> ReadStruct(ReadOnlySpan<byte> data, ref int pos, int depth = 0)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException($"Thrift structures nest deeper than {MaxDepth} at byte {pos}; the footer is corrupt.");
        }

        var result = new Dictionary<short, object>();
        short last = 0;
        while (true)
        {
            var header = Byte(data, ref pos);
            if (header == 0)
            {
                return result;
            }

            var type = (byte)(header & 0x0F);
            var delta = header >> 4;
            var id = delta != 0 ? (short)(last + delta) : (short)Zigzag(Varint(data, ref pos));
            last = id;
            result[id] = ReadValue(data, ref pos, type, depth);
        }
    }

    private static object ReadValue(ReadOnlySpan<byte> data, ref int pos, byte type, int depth)
    {
        switch (type)
        {
            case TypeBoolTrue: return true;
            case TypeBoolFalse: return false;
            case TypeByte: return (long)(sbyte)Byte(data, ref pos);
            case TypeI16 or TypeI32 or TypeI64: return Zigzag(Varint(data, ref pos));
            case TypeDouble:
                Need(data, pos, 8);
                var d = BitConverter.ToDouble(data.Slice(pos, 8));
                pos += 8;
                return d;
            case TypeBinary:
                var len = (int)Varint(data, ref pos);
                Need(data, pos, len);
                var bytes = data.Slice(pos, len).ToArray();
                pos += len;
                return bytes;
            case TypeList or TypeSet:
                var h = Byte(data, ref pos);
                var size = h >> 4;
                if (size == 15)
                {
                    size = (int)Varint(data, ref pos);
                }

                var elemType = (byte)(h & 0x0F);
                if (size < 0 || size > data.Length - pos + 1)
                {
                    throw new FormatException($"Thrift list at byte {pos} declares {size} elements, more than the remaining bytes can hold.");
                }

                var list = new List<object>(size);
                for (var i = 0; i < size; i++)
                {
                    list.Add(elemType == TypeBoolTrue || elemType == TypeBoolFalse ? Byte(data, ref pos) == 1 : ReadValue(data, ref pos, elemType, depth + 1));
                }

                return list;
            case TypeMap:
                var count = (int)Varint(data, ref pos);
                if (count == 0)
                {
                    return new List<object>();
                }

                var kv = Byte(data, ref pos);
                var entries = new List<object>();
                for (var i = 0; i < count; i++)
                {
                    entries.Add(ReadValue(data, ref pos, (byte)(kv >> 4), depth + 1));
                    entries.Add(ReadValue(data, ref pos, (byte)(kv & 0x0F), depth + 1));
                }

                return entries;
            case TypeStruct:
                return ReadStruct(data, ref pos, depth + 1);
            default:
                throw new FormatException($"Unknown Thrift compact type {type} at byte {pos}.");
        }
    }

    private static byte Byte(ReadOnlySpan<byte> data, ref int pos)
    {
        Need(data, pos, 1);
        return data[pos++];
    }

    private static ulong Varint(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = Byte(data, ref pos);
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new FormatException($"Thrift varint at byte {pos} is longer than 10 bytes.");
    }

    private static long Zigzag(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);

    private static void Need(ReadOnlySpan<byte> data, int pos, int n)
    {
        if (n < 0 || pos + n > data.Length)
        {
            throw new FormatException($"Thrift data ends at byte {data.Length} while {n} more bytes were needed at byte {pos}.");
        }
    }

    public static long? Long(this Dictionary<short, object> s, short id) => s.TryGetValue(id, out var v) ? v as long? : null;

    public static string? Str(this Dictionary<short, object> s, short id) => s.TryGetValue(id, out var v) && v is byte[] b ? Encoding.UTF8.GetString(b) : null;

    public static Dictionary<short, object>? Struct(this Dictionary<short, object> s, short id) => s.TryGetValue(id, out var v) ? v as Dictionary<short, object> : null;

    public static List<object> List(this Dictionary<short, object> s, short id) => s.TryGetValue(id, out var v) && v is List<object> l ? l : [];
}

/// <summary>Writes Thrift compact structs field by field.</summary>
internal sealed class ThriftCompactWriter
{
    private readonly ArrayBufferWriter<byte> buffer = new(1024);
    private readonly Stack<short> lastIds = new();
    private short last;

    public ReadOnlySpan<byte> Written => buffer.WrittenSpan;

    public void BeginStruct()
    {
        lastIds.Push(last);
        last = 0;
    }

    public void EndStruct()
    {
        Raw(0);
        last = lastIds.Pop();
    }

    public void I32(short id, long value)
    {
        Header(ThriftCompact.TypeI32, id);
        Varint(Zig(value));
    }

    public void I64(short id, long value)
    {
        Header(ThriftCompact.TypeI64, id);
        Varint(Zig(value));
    }

    public void Bool(short id, bool value) => Header(value ? ThriftCompact.TypeBoolTrue : ThriftCompact.TypeBoolFalse, id);

    public void String(short id, string value)
    {
        Header(ThriftCompact.TypeBinary, id);
        var bytes = Encoding.UTF8.GetBytes(value);
        Varint((ulong)bytes.Length);
        buffer.Write(bytes);
    }

    public void StructField(short id)
    {
        Header(ThriftCompact.TypeStruct, id);
        BeginStruct();
    }

    public void ListHeader(short id, byte elementType, int count)
    {
        Header(ThriftCompact.TypeList, id);
        if (count < 15)
        {
            Raw((byte)((count << 4) | elementType));
        }
        else
        {
            Raw((byte)(0xF0 | elementType));
            Varint((ulong)count);
        }
    }

    public void ListI32(long value) => Varint(Zig(value));

    public void ListString(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Varint((ulong)bytes.Length);
        buffer.Write(bytes);
    }

    private void Header(byte type, short id)
    {
        var delta = id - last;
        if (delta is > 0 and <= 15)
        {
            Raw((byte)((delta << 4) | type));
        }
        else
        {
            Raw(type);
            Varint(Zig(id));
        }

        last = id;
    }

    private void Raw(byte b) => buffer.Write([b]);

    private void Varint(ulong v)
    {
        Span<byte> tmp = stackalloc byte[10];
        var n = 0;
        while (v >= 0x80)
        {
            tmp[n++] = (byte)(v | 0x80);
            v >>= 7;
        }

        tmp[n++] = (byte)v;
        buffer.Write(tmp[..n]);
    }

    private static ulong Zig(long v) => (ulong)((v << 1) ^ (v >> 63));
}
