using System.Buffers.Binary;
using System.Text;

namespace Serverless.MySql.Binlog;

/// <summary>Reads little-endian fields from an event body; every read is bounds-checked and names the event when it runs out.</summary>
public ref struct BinlogSpanReader
{
    private readonly ReadOnlySpan<byte> span;
    private readonly BinlogEventType eventType;

    public BinlogSpanReader(ReadOnlySpan<byte> span, BinlogEventType eventType)
    {
        this.span = span;
        this.eventType = eventType;
        Offset = 0;
    }

    public int Offset { get; set; }

    public readonly int Remaining => span.Length - Offset;

    public readonly ReadOnlySpan<byte> RemainingSpan => span[Offset..];

    public byte ReadByte()
    {
        Need(1);
        return span[Offset++];
    }

    public ushort ReadUInt16()
    {
        Need(2);
        var v = BinaryPrimitives.ReadUInt16LittleEndian(span[Offset..]);
        Offset += 2;
        return v;
    }

    public uint ReadUInt24()
    {
        Need(3);
        var v = (uint)(span[Offset] | (span[Offset + 1] << 8) | (span[Offset + 2] << 16));
        Offset += 3;
        return v;
    }

    public uint ReadUInt32()
    {
        Need(4);
        var v = BinaryPrimitives.ReadUInt32LittleEndian(span[Offset..]);
        Offset += 4;
        return v;
    }

    public ulong ReadUInt48()
    {
        Need(6);
        var v = BinaryPrimitives.ReadUInt32LittleEndian(span[Offset..]) | ((ulong)BinaryPrimitives.ReadUInt16LittleEndian(span[(Offset + 4)..]) << 32);
        Offset += 6;
        return v;
    }

    public ulong ReadUInt56()
    {
        Need(7);
        var v = BinaryPrimitives.ReadUInt32LittleEndian(span[Offset..]) | ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(span[(Offset + 3)..]) >> 8 << 32);
        Offset += 7;
        return v;
    }

    public ulong ReadUInt64()
    {
        Need(8);
        var v = BinaryPrimitives.ReadUInt64LittleEndian(span[Offset..]);
        Offset += 8;
        return v;
    }

    /// <summary>A length-encoded integer (1 byte below 251; 0xFC + 2, 0xFD + 3, 0xFE + 8 bytes).</summary>
    public ulong ReadPackedInteger()
    {
        var first = ReadByte();
        return first switch
        {
            < 251 => first,
            252 => ReadUInt16(),
            253 => ReadUInt24(),
            254 => ReadUInt64(),
            _ => throw new BinlogFormatException($"{eventType} event has an invalid length-encoded integer prefix 0x{first:x2} at byte {Offset - 1}."),
        };
    }

    /// <summary>A packed integer used as a length or count: bounded by the bytes left so corrupt input cannot make us allocate.</summary>
    public int ReadPackedLength()
    {
        var value = ReadPackedInteger();
        if (value > (ulong)Remaining)
        {
            throw new BinlogFormatException($"{eventType} event declares a length of {value} at byte {Offset} but only {Remaining} bytes remain.");
        }

        return (int)value;
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        Need(count);
        var s = span.Slice(Offset, count);
        Offset += count;
        return s;
    }

    public void Skip(int count)
    {
        Need(count);
        Offset += count;
    }

    public string ReadString(int count) => Encoding.UTF8.GetString(ReadBytes(count));

    public string ReadRemainingString()
    {
        var s = Encoding.UTF8.GetString(span[Offset..]);
        Offset = span.Length;
        return s;
    }

    private readonly void Need(int count)
    {
        if (count < 0 || span.Length - Offset < count)
        {
            throw new BinlogFormatException($"{eventType} event is truncated: needed {count} bytes at byte {Offset} of its {span.Length}-byte body.");
        }
    }
}
