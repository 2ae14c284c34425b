using System.Buffers.Binary;
using System.Numerics;
using Serverless.MySql.Client;

namespace Serverless.MySql.Binlog;

/// <summary>
/// MySQL's packed NEWDECIMAL format: the integer and fraction parts in groups of 9 digits per 4 big-endian bytes, a
/// shorter leading/trailing group for the leftover digits, the sign in the inverted top bit, negatives stored as the
/// bitwise complement.
/// </summary>
public static class DecimalBinary
{
    private static readonly int[] BytesForDigits = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];
    private static readonly int[] Pow10Int = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000];

    public const int MaxPrecision = 65;

    public static int BinarySize(int precision, int scale)
    {
        if (precision < 1 || precision > MaxPrecision || scale < 0 || scale > precision)
        {
            throw new BinlogFormatException($"DECIMAL({precision},{scale}) is not a valid precision/scale (precision 1-65, scale 0-precision).");
        }

        var integerDigits = precision - scale;
        return (integerDigits / 9 * 4) + BytesForDigits[integerDigits % 9] + (scale / 9 * 4) + BytesForDigits[scale % 9];
    }

    public static MySqlDecimal Decode(ReadOnlySpan<byte> source, int precision, int scale)
    {
        var size = BinarySize(precision, scale);
        if (source.Length < size)
        {
            throw new BinlogFormatException($"DECIMAL({precision},{scale}) needs {size} bytes; only {source.Length} remain.");
        }

        Span<byte> buffer = stackalloc byte[size];
        source[..size].CopyTo(buffer);
        var negative = (buffer[0] & 0x80) == 0;
        buffer[0] ^= 0x80;
        if (negative)
        {
            for (var i = 0; i < size; i++)
            {
                buffer[i] = (byte)~buffer[i];
            }
        }

        var integerDigits = precision - scale;
        var position = 0;
        Int128 small = 0;
        BigInteger big = BigInteger.Zero;
        var useBig = precision > 38;

        void Accumulate(uint group, int digits)
        {
            if (useBig)
            {
                big = (big * Pow10Int[digits]) + group;
            }
            else
            {
                small = (small * Pow10Int[digits]) + group;
            }
        }

        uint ReadGroup(ReadOnlySpan<byte> bytes, ref int pos, int byteCount)
        {
            uint value = 0;
            for (var i = 0; i < byteCount; i++)
            {
                value = (value << 8) | bytes[pos++];
            }

            return value;
        }

        var leadingDigits = integerDigits % 9;
        if (leadingDigits > 0)
        {
            Accumulate(ReadGroup(buffer, ref position, BytesForDigits[leadingDigits]), leadingDigits);
        }

        for (var i = 0; i < integerDigits / 9; i++)
        {
            Accumulate(BinaryPrimitives.ReadUInt32BigEndian(buffer[position..]), 9);
            position += 4;
        }

        for (var i = 0; i < scale / 9; i++)
        {
            Accumulate(BinaryPrimitives.ReadUInt32BigEndian(buffer[position..]), 9);
            position += 4;
        }

        var trailingDigits = scale % 9;
        if (trailingDigits > 0)
        {
            Accumulate(ReadGroup(buffer, ref position, BytesForDigits[trailingDigits]), trailingDigits);
        }

        var unscaled = useBig ? big : (BigInteger)small;
        return new MySqlDecimal(negative ? -unscaled : unscaled, scale);
    }
}
