namespace Serverless.MySql.Protocol;

/// <summary>
/// Length-encoded integers: one byte below 0xFB; 0xFC + 2 bytes; 0xFD + 3 bytes; 0xFE + 8 bytes (little-endian).
/// 0xFB is NULL in text rows, 0xFF starts an ERR packet.
/// </summary>
public static class LengthEncoding
{
    public const byte NullMarker = 0xFB;

    /// <summary>Returns bytes consumed, 0 when <paramref name="source"/> is too short, -1 when the first byte is 0xFB or 0xFF.</summary>
    public static int ReadInteger(ReadOnlySpan<byte> source, out ulong value)
    {
        value = 0;
        if (source.IsEmpty)
        {
            return 0;
        }

        var first = source[0];
        switch (first)
        {
            case < 0xFB:
                value = first;
                return 1;
            case 0xFC:
                if (source.Length < 3)
                {
                    return 0;
                }

                value = (ulong)(source[1] | (source[2] << 8));
                return 3;
            case 0xFD:
                if (source.Length < 4)
                {
                    return 0;
                }

                value = (ulong)(source[1] | (source[2] << 8) | (source[3] << 16));
                return 4;
            case 0xFE:
                if (source.Length < 9)
                {
                    return 0;
                }

                value = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(source[1..]);
                return 9;
            default:
                return -1;
        }
    }

    /// <summary>How many bytes <see cref="WriteInteger"/> uses for <paramref name="value"/>.</summary>
    public static int IntegerSize(ulong value) => value switch
    {
        < 0xFB => 1,
        <= 0xFFFF => 3,
        <= 0xFFFFFF => 4,
        _ => 9,
    };

    public static int WriteInteger(Span<byte> destination, ulong value)
    {
        switch (value)
        {
            case < 0xFB:
                destination[0] = (byte)value;
                return 1;
            case <= 0xFFFF:
                destination[0] = 0xFC;
                destination[1] = (byte)value;
                destination[2] = (byte)(value >> 8);
                return 3;
            case <= 0xFFFFFF:
                destination[0] = 0xFD;
                destination[1] = (byte)value;
                destination[2] = (byte)(value >> 8);
                destination[3] = (byte)(value >> 16);
                return 4;
            default:
                destination[0] = 0xFE;
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(destination[1..], value);
                return 9;
        }
    }
}
