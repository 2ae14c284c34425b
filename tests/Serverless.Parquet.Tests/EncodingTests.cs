using Serverless.Parquet.Encodings;
using Xunit;

namespace Serverless.Parquet.Tests;

public sealed class EncodingTests
{
    [Fact]
    public void RleHybridMatchesTheEncodingsMdExample()
    {
        // Encodings.md: values 0..7 with bit width 3 bit-pack to 0x88 0xC6 0xFA after header (1 group << 1 | 1) = 0x03.
        using var buffer = new ByteBuffer();
        RleBitPackedEncoder.Encode([0, 1, 2, 3, 4, 5, 6, 7], 3, buffer);
        Assert.Equal(new byte[] { 0x03, 0x88, 0xC6, 0xFA }, buffer.WrittenSpan.ToArray());
    }

    [Fact]
    public void LongRunsBecomeRleRuns()
    {
        using var buffer = new ByteBuffer();
        RleBitPackedEncoder.Encode(Enumerable.Repeat(5, 100).ToArray(), 3, buffer);
        Assert.Equal(new byte[] { 0xC8, 0x01, 5 }, buffer.WrittenSpan.ToArray()); // varint(100 << 1), value
    }

    [Fact]
    public void RunsOfEightOrMoreBetweenNoiseBecomeRleRunsOfTheirExactLength()
    {
        // 0..7 bit-packed, then the run, then 0..7 again: a run of 8 or more ends the group and is one RLE run.
        for (var run = 8; run < 80; run++)
        {
            using var buffer = new ByteBuffer();
            RleBitPackedEncoder.Encode([0, 1, 2, 3, 4, 5, 6, 7, .. Enumerable.Repeat(5, run), 0, 1, 2, 3, 4, 5, 6, 7], 3, buffer);
            byte[] header = run < 64 ? [(byte)(run << 1)] : [(byte)((run << 1) | 0x80), (byte)((run << 1) >> 7)];
            Assert.Equal([0x03, 0x88, 0xC6, 0xFA, .. header, 5, 0x03, 0x88, 0xC6, 0xFA], buffer.WrittenSpan.ToArray());
        }

        // Shorter runs stay in the bit-packed groups: three groups of 8 under one header.
        using var shortRun = new ByteBuffer();
        RleBitPackedEncoder.Encode([0, 1, 2, 3, 4, 5, 6, 7, 5, 5, 5, 5, 5, 5, 5, 0, 1, 2, 3, 4, 5, 6, 7, 0], 3, shortRun);
        Assert.Equal((3 << 1) | 1, shortRun.WrittenSpan[0]);
        Assert.Equal(1 + (3 * 3), shortRun.Length);
    }

    [Fact]
    public void RepeatedValueEncodesLikeItsCopies()
    {
        for (var bitWidth = 0; bitWidth <= 12; bitWidth++)
        {
            var value = bitWidth == 0 ? 0 : (1 << bitWidth) - 1;
            for (var count = 1; count <= 40; count++)
            {
                using var copies = new ByteBuffer();
                using var repeated = new ByteBuffer();
                RleBitPackedEncoder.Encode(Enumerable.Repeat(value, count).ToArray(), bitWidth, copies);
                RleBitPackedEncoder.EncodeRepeated(value, count, bitWidth, repeated);
                Assert.Equal(copies.WrittenSpan.ToArray(), repeated.WrittenSpan.ToArray());
            }
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 1000)]
    [InlineData(3, 77)]
    [InlineData(8, 5000)]
    [InlineData(13, 999)]
    [InlineData(20, 2049)]
    [InlineData(32, 300)]
    public void RleHybridRoundTripsMixedRunsAndNoise(int bitWidth, int count)
    {
        var random = new Random(bitWidth * 1000 + count);
        var max = bitWidth == 32 ? int.MaxValue : (1 << bitWidth) - 1;
        var values = new int[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = i % 50 < 20 ? 1 % (max + 1) : random.Next(0, max);
        }

        using var buffer = new ByteBuffer();
        RleBitPackedEncoder.Encode(values, bitWidth, buffer);
        var decoder = new RleBitPackedDecoder();
        var bytes = buffer.WrittenSpan.ToArray();
        decoder.Reset(bytes, 0, bytes.Length, bitWidth, 0);
        var back = new int[count];
        decoder.ReadExactly(back);
        Assert.Equal(values, back);
    }

    [Fact]
    public void RleDataThatEndsEarlyFailsInsteadOfInventingValues()
    {
        var decoder = new RleBitPackedDecoder();
        decoder.Reset([10 << 1, 1], 0, 2, 1, 500);
        var e = Assert.Throws<ParquetFormatException>(() => decoder.ReadExactly(new int[11]));
        Assert.Equal(502, e.FileOffset);
    }

    [Fact]
    public void DeltaBinaryPackedDecodesTheSpecExample()
    {
        // Encodings.md example 1: 1, 2, 3, 4, 5 -> block size 128, 4 miniblocks, 5 values, first value 1,
        // min delta 1, all deltas-minus-min are 0 so miniblock bit widths are 0.
        byte[] data = [0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00];
        var values = new long[5];
        var used = DeltaBinaryPackedDecoder.Decode(data, values, 0);
        Assert.Equal([1L, 2, 3, 4, 5], values);
        Assert.Equal(data.Length, used);
    }

    [Fact]
    public void DeltaBinaryPackedDecodesBitPackedMiniblocks()
    {
        // Encodings.md example 2: 7, 5, 3, 1, 2, 3, 4, 5 -> deltas -2,-2,-2,1,1,1,1; min delta -2; relative 0,0,0,3,3,3,3 at width 2.
        byte[] data = [0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 0x02, 0x00, 0x00, 0x00, 0xC0, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];
        var values = new long[8];
        DeltaBinaryPackedDecoder.Decode(data, values, 0);
        Assert.Equal([7L, 5, 3, 1, 2, 3, 4, 5], values);
    }

    [Theory]
    [InlineData(ParquetCompression.Snappy)]
    [InlineData(ParquetCompression.Gzip)]
    [InlineData(ParquetCompression.Uncompressed)]
    public void CodecsRoundTripAndCheckTheDeclaredSize(ParquetCompression codec)
    {
        var input = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 500).Select(i => $"value {i % 13};")));
        using var compressed = new ByteBuffer();
        PageCompression.Compress(codec, input, compressed);
        var output = new byte[input.Length];
        PageCompression.Decompress(codec, compressed.WrittenSpan, output, 0, "c");
        Assert.Equal(input, output);
        var e = Assert.Throws<ParquetFormatException>(() => PageCompression.Decompress(codec, compressed.WrittenSpan, new byte[input.Length + 1], 77, "c"));
        Assert.Contains("column 'c'", e.Message, StringComparison.Ordinal);
        Assert.Equal(77, e.FileOffset);
    }
}
