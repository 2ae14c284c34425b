using System.Buffers.Binary;
using System.Text;
using Serverless.MySql.Client;

namespace Serverless.MySql.Protocol;

/// <summary>
/// Reads the protocol's basic data types (fixed little-endian integers, length-encoded integers and strings,
/// NUL-terminated strings) from one packet payload. Every read is bounds-checked and reports the offset it failed at.
/// </summary>
public ref struct PayloadReader
{
    private readonly ReadOnlySpan<byte> payload;
    private readonly string what;

    public PayloadReader(ReadOnlySpan<byte> payload, string what = "packet")
    {
        this.payload = payload;
        this.what = what;
        Position = 0;
    }

    public int Position { get; set; }

    public readonly int Remaining => payload.Length - Position;

    public readonly bool AtEnd => Position >= payload.Length;

    public readonly ReadOnlySpan<byte> Rest => payload[Position..];

    public byte ReadByte()
    {
        Need(1);
        return payload[Position++];
    }

    public readonly byte PeekByte()
    {
        Need(1);
        return payload[Position];
    }

    public ushort ReadUInt16()
    {
        Need(2);
        var v = BinaryPrimitives.ReadUInt16LittleEndian(payload[Position..]);
        Position += 2;
        return v;
    }

    public uint ReadUInt24()
    {
        Need(3);
        var v = (uint)(payload[Position] | (payload[Position + 1] << 8) | (payload[Position + 2] << 16));
        Position += 3;
        return v;
    }

    public uint ReadUInt32()
    {
        Need(4);
        var v = BinaryPrimitives.ReadUInt32LittleEndian(payload[Position..]);
        Position += 4;
        return v;
    }

    public ulong ReadUInt64()
    {
        Need(8);
        var v = BinaryPrimitives.ReadUInt64LittleEndian(payload[Position..]);
        Position += 8;
        return v;
    }

    public ulong ReadLengthEncodedInteger()
    {
        var consumed = LengthEncoding.ReadInteger(payload[Position..], out var value);
        if (consumed <= 0)
        {
            throw MySqlException.Protocol(consumed == 0
                ? $"{what} ends inside a length-encoded integer at offset {Position}"
                : $"{what} has an invalid length-encoded integer prefix 0x{payload[Position]:X2} at offset {Position}");
        }

        Position += consumed;
        return value;
    }

    public ReadOnlySpan<byte> ReadLengthEncodedBytes()
    {
        var start = Position;
        var length = ReadLengthEncodedInteger();
        if (length > (ulong)Remaining)
        {
            throw MySqlException.Protocol($"{what} declares a {length}-byte string at offset {start} but only {Remaining} bytes remain");
        }

        return ReadBytes((int)length);
    }

    public string ReadLengthEncodedString() => Encoding.UTF8.GetString(ReadLengthEncodedBytes());

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        Need(count);
        var s = payload.Slice(Position, count);
        Position += count;
        return s;
    }

    public void Skip(int count)
    {
        Need(count);
        Position += count;
    }

    /// <summary>Reads up to the next NUL (consumed) or, when there is none, to the end of the payload.</summary>
    public ReadOnlySpan<byte> ReadNullTerminatedBytes()
    {
        var rest = payload[Position..];
        var nul = rest.IndexOf((byte)0);
        if (nul < 0)
        {
            Position = payload.Length;
            return rest;
        }

        Position += nul + 1;
        return rest[..nul];
    }

    public string ReadNullTerminatedString() => Encoding.UTF8.GetString(ReadNullTerminatedBytes());

    public ReadOnlySpan<byte> ReadRest()
    {
        var rest = payload[Position..];
        Position = payload.Length;
        return rest;
    }

    private readonly void Need(int count)
    {
        if (count < 0 || Position + count > payload.Length)
        {
            throw MySqlException.Protocol($"{what} is truncated: needed {count} bytes at offset {Position} of {payload.Length}");
        }
    }
}
