using Serverless.Parquet.Encodings;
using Xunit;

namespace Serverless.Parquet.Tests;

/// <summary>The decoder's unrolled bit-unpacking paths agree with a bit-by-bit reading of the spec's LSB-first packing.</summary>
public sealed class BitUnpackingTests
{
    public static TheoryData<int> Widths()
    {
        var data = new TheoryData<int>();
        for (var w = 1; w <= 32; w++)
        {
            data.Add(w);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void FastUnpackingMatchesBitByBitReferenceForEveryWidth(int bitWidth)
    {
        var random = new Random(bitWidth);
        const int groups = 40;
        var count = groups * 8;
        var packed = RandomBits(random, groups * bitWidth);

        // One bit-packed run: header (groups << 1 | 1), then the packed bytes.
        var run = new List<byte>();
        var header = (groups << 1) | 1;
        while (header >= 0x80)
        {
            run.Add((byte)(header | 0x80));
            header >>= 7;
        }

        run.Add((byte)header);
        var headerLength = run.Count;
        run.AddRange(packed);
        var bytes = run.ToArray();
        var expected = Reference(bytes.AsSpan(headerLength), bitWidth, count);

        // Whole run in one read, and in uneven pieces so unaligned bit positions and the tail path are taken too.
        var decoder = new RleBitPackedDecoder();
        decoder.Reset(bytes, 0, bytes.Length, bitWidth, 0);
        var all = new int[count];
        decoder.ReadExactly(all);
        Assert.Equal(expected, all);

        decoder.Reset(bytes, 0, bytes.Length, bitWidth, 0);
        var pieces = new int[count];
        var filled = 0;
        while (filled < count)
        {
            var n = Math.Min(count - filled, random.Next(1, 20));
            decoder.ReadExactly(pieces.AsSpan(filled, n));
            filled += n;
        }

        Assert.Equal(expected, pieces);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(17)]
    [InlineData(32)]
    public void RunTruncatedByTheEndOfTheDataYieldsOnlyTheValuesItHolds(int bitWidth)
    {
        // A run that declares 4 groups but the data ends after 2 groups' worth of bytes (a writer may cut the last run).
        var random = new Random(100 + bitWidth);
        var packed = RandomBits(random, 2 * bitWidth);
        var bytes = new byte[1 + packed.Length];
        bytes[0] = (4 << 1) | 1;
        packed.CopyTo(bytes, 1);
        var decoder = new RleBitPackedDecoder();
        decoder.Reset(bytes, 0, bytes.Length, bitWidth, 0);
        var values = new int[16];
        decoder.ReadExactly(values);
        Assert.Equal(Reference(packed, bitWidth, 16), values);
        Assert.Throws<ParquetFormatException>(() => decoder.ReadExactly(new int[1]));
    }

    private static byte[] RandomBits(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static int[] Reference(ReadOnlySpan<byte> packed, int bitWidth, int count)
    {
        var values = new int[count];
        for (var i = 0; i < count; i++)
        {
            long v = 0;
            for (var b = 0; b < bitWidth; b++)
            {
                var bit = ((long)i * bitWidth) + b;
                if (((packed[(int)(bit >> 3)] >> (int)(bit & 7)) & 1) != 0)
                {
                    v |= 1L << b;
                }
            }

            values[i] = (int)v;
        }

        return values;
    }
}
