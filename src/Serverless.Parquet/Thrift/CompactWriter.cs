using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Serverless.Parquet.Thrift;

/// <summary>Writes the Thrift compact protocol into a growable buffer.</summary>
internal sealed class CompactWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public CompactWriter(int initialCapacity = 256)
    {
        _buffer = new ArrayBufferWriter<byte>(initialCapacity);
    }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public int Length => _buffer.WrittenCount;

    public void Clear() => _buffer.ResetWrittenCount();

    public void WriteFieldHeader(ThriftType type, short fieldId, ref short lastFieldId)
    {
        var delta = fieldId - lastFieldId;
        if (delta is > 0 and <= 15)
        {
            WriteRawByte((byte)((delta << 4) | (int)type));
        }
        else
        {
            WriteRawByte((byte)type);
            WriteI32(fieldId);
        }

        lastFieldId = fieldId;
    }

    public void WriteStop() => WriteRawByte(0);

    public void WriteRawByte(byte value)
    {
        var span = _buffer.GetSpan(1);
        span[0] = value;
        _buffer.Advance(1);
    }

    public void WriteVarint(ulong value)
    {
        var span = _buffer.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        _buffer.Advance(i);
    }

    public void WriteI32(int value) => WriteVarint((uint)((value << 1) ^ (value >> 31)));

    public void WriteI64(long value) => WriteVarint((ulong)((value << 1) ^ (value >> 63)));

    public void WriteDouble(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public void WriteBinary(ReadOnlySpan<byte> value)
    {
        WriteVarint((ulong)value.Length);
        value.CopyTo(_buffer.GetSpan(value.Length));
        _buffer.Advance(value.Length);
    }

    public void WriteString(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        WriteVarint((ulong)count);
        var span = _buffer.GetSpan(count);
        Encoding.UTF8.GetBytes(value, span);
        _buffer.Advance(count);
    }

    public void WriteListHeader(ThriftType elementType, int count)
    {
        if (count < 15)
        {
            WriteRawByte((byte)((count << 4) | (int)elementType));
        }
        else
        {
            WriteRawByte((byte)(0xF0 | (int)elementType));
            WriteVarint((ulong)count);
        }
    }

    public void WriteI32Field(short id, int value, ref short last)
    {
        WriteFieldHeader(ThriftType.I32, id, ref last);
        WriteI32(value);
    }

    public void WriteI64Field(short id, long value, ref short last)
    {
        WriteFieldHeader(ThriftType.I64, id, ref last);
        WriteI64(value);
    }

    public void WriteBoolField(short id, bool value, ref short last) =>
        WriteFieldHeader(value ? ThriftType.BooleanTrue : ThriftType.BooleanFalse, id, ref last);

    public void WriteBinaryField(short id, ReadOnlySpan<byte> value, ref short last)
    {
        WriteFieldHeader(ThriftType.Binary, id, ref last);
        WriteBinary(value);
    }

    public void WriteStringField(short id, string value, ref short last)
    {
        WriteFieldHeader(ThriftType.Binary, id, ref last);
        WriteString(value);
    }

    /// <summary>Writes an empty struct as a field (used by union members such as StringType).</summary>
    public void WriteEmptyStructField(short id, ref short last)
    {
        WriteFieldHeader(ThriftType.Struct, id, ref last);
        WriteStop();
    }
}
