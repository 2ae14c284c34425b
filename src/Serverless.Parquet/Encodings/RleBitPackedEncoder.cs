using System.Runtime.CompilerServices;

namespace Serverless.Parquet.Encodings;

/// <summary>
/// Encodes the RLE / bit-packing hybrid (Encodings.md): runs of 8 or more equal values become RLE runs, everything
/// else is bit-packed in groups of 8 (LSB first). Used for definition levels, dictionary indices and booleans.
/// </summary>
internal static class RleBitPackedEncoder
{
    public static int BitWidth(int maxValue) => maxValue == 0 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)maxValue);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Encode(ReadOnlySpan<int> values, int bitWidth, ByteBuffer output)
    {
        var n = values.Length;
        var byteWidth = (bitWidth + 7) / 8;
        var i = 0;
        while (i < n)
        {
            var run = RunLength(values, i);
            if (run >= 8 || bitWidth == 0)
            {
                WriteRleRun(values[i], run, byteWidth, output);
                i += run;
                continue;
            }

            // Bit-pack groups of 8 until a long run starts at a group boundary (or the input ends).
            var start = i;
            var groups = 0;
            do
            {
                i += 8;
                groups++;
            }
            while (i < n && groups < 1 << 20 && RunLength(values, i) < 8);

            output.WriteUleb128(((ulong)groups << 1) | 1);
            Pack(values, start, groups * 8, bitWidth, output);
        }
    }

    /// <summary>
    /// Encodes <paramref name="count"/> copies of <paramref name="value"/> without materializing them: exactly the bytes
    /// <see cref="Encode"/> writes for such an array (one RLE run, or one bit-packed group when shorter than 8).
    /// </summary>
    public static void EncodeRepeated(int value, int count, int bitWidth, ByteBuffer output)
    {
        if (count >= 8 || bitWidth == 0)
        {
            WriteRleRun(value, count, (bitWidth + 7) / 8, output);
            return;
        }

        Span<int> values = stackalloc int[8];
        values[..count].Fill(value);
        Encode(values[..count], bitWidth, output);
    }

    private static void WriteRleRun(int value, int count, int byteWidth, ByteBuffer output)
    {
        output.WriteUleb128((ulong)count << 1);
        for (var b = 0; b < byteWidth; b++)
        {
            output.WriteByte((byte)(value >> (8 * b)));
        }
    }

    private static int RunLength(ReadOnlySpan<int> values, int start)
    {
        // Bit-packed stretches ask at every group of 8 and their runs end within a few values: those stay a scalar
        // loop; a run past 8 (definition levels, a repeated value's indices) is searched vectorized.
        var v = values[start];
        var j = start + 1;
        var limit = Math.Min(values.Length, start + 8);
        while (j < limit && values[j] == v)
        {
            j++;
        }

        if (j < limit || j == values.Length)
        {
            return j - start;
        }

        var other = values[j..].IndexOfAnyExcept(v);
        return other < 0 ? values.Length - start : j - start + other;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pack(ReadOnlySpan<int> values, int start, int count, int bitWidth, ByteBuffer output)
    {
        var byteCount = count * bitWidth / 8;
        var span = output.GetSpan(byteCount);
        span.Clear();
        ulong acc = 0;
        var accBits = 0;
        var o = 0;
        var mask = bitWidth == 32 ? 0xFFFFFFFFUL : (1UL << bitWidth) - 1;
        for (var k = 0; k < count; k++)
        {
            var idx = start + k;
            var v = idx < values.Length ? (ulong)(uint)values[idx] & mask : 0UL;
            acc |= v << accBits;
            accBits += bitWidth;
            while (accBits >= 8)
            {
                span[o++] = (byte)acc;
                acc >>= 8;
                accBits -= 8;
            }
        }

        output.Advance(byteCount);
    }
}
