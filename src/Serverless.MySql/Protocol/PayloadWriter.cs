using System.Buffers.Binary;
using System.Text;

namespace Serverless.MySql.Protocol;

/// <summary>
/// Builds one outgoing payload in a reusable buffer. The first four bytes are reserved for the packet header,
/// so a payload below 16 MiB goes out in a single write.
/// </summary>
public sealed class PayloadWriter
{
    public const int HeaderSize = 4;
    private byte[] buffer;
    private int length = HeaderSize;

    public PayloadWriter(int initialCapacity = 256) => buffer = new byte[Math.Max(initialCapacity, 16)];

    /// <summary>Payload bytes written so far (header excluded).</summary>
    public int PayloadLength => length - HeaderSize;

    /// <summary>The written payload (without header space).</summary>
    public ReadOnlyMemory<byte> Payload => buffer.AsMemory(HeaderSize, PayloadLength);

    /// <summary>Header space followed by the payload, for the packet channel.</summary>
    internal byte[] RawBuffer => buffer;

    public void Reset() => length = HeaderSize;

    public void WriteByte(byte value)
    {
        Ensure(1);
        buffer[length++] = value;
    }

    public void WriteUInt16(ushort value)
    {
        Ensure(2);
        BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(length), value);
        length += 2;
    }

    public void WriteUInt32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(length), value);
        length += 4;
    }

    public void WriteUInt64(ulong value)
    {
        Ensure(8);
        BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(length), value);
        length += 8;
    }

    public void WriteZeros(int count)
    {
        Ensure(count);
        buffer.AsSpan(length, count).Clear();
        length += count;
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        Ensure(value.Length);
        value.CopyTo(buffer.AsSpan(length));
        length += value.Length;
    }

    public void WriteLengthEncodedInteger(ulong value)
    {
        Ensure(9);
        length += LengthEncoding.WriteInteger(buffer.AsSpan(length), value);
    }

    public void WriteLengthEncodedBytes(ReadOnlySpan<byte> value)
    {
        WriteLengthEncodedInteger((ulong)value.Length);
        WriteBytes(value);
    }

    /// <summary>Writes UTF-8 text without terminator or length prefix (e.g. the SQL of COM_QUERY).</summary>
    public void WriteUtf8(string value)
    {
        // Exact size for long text (a large statement would otherwise reserve three times its length).
        Ensure(value.Length > 4096 ? Encoding.UTF8.GetByteCount(value) : Encoding.UTF8.GetMaxByteCount(value.Length));
        length += Encoding.UTF8.GetBytes(value, buffer.AsSpan(length));
    }

    public void WriteNullTerminatedUtf8(string value)
    {
        WriteUtf8(value);
        WriteByte(0);
    }

    public void WriteLengthEncodedUtf8(string value) => WriteLengthEncodedBytes(Encoding.UTF8.GetBytes(value));

    private void Ensure(int count)
    {
        if (length + count <= buffer.Length)
        {
            return;
        }

        var size = Math.Max(buffer.Length * 2, length + count);
        Array.Resize(ref buffer, size);
    }
}
