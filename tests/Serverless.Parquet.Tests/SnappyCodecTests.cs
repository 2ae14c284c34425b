using FsCheck;
using FsCheck.Fluent;
using Serverless.Parquet.Encodings;
using Xunit;

namespace Serverless.Parquet.Tests;

/// <summary>Our snappy codec checked against IronSnappy (an independent implementation of the same format) both ways.</summary>
public sealed class SnappyCodecTests
{
    [Fact]
    public void OurCompressedBytesDecodeWithIronSnappyAndBack()
    {
        var property = Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var input = Sample(new Random(seed));
            var compressed = Compress(input);
            Assert.Equal(input, IronSnappy.Snappy.Decode(compressed));
            Assert.Equal(input, Decompress(compressed, input.Length));
            return true;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60), property);
    }

    [Fact]
    public void IronSnappyCompressedBytesDecodeWithOurs()
    {
        var property = Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var input = Sample(new Random(seed));
            Assert.Equal(input, Decompress(IronSnappy.Snappy.Encode(input), input.Length));
            return true;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60), property);
    }

    [Fact]
    public void RepetitiveInputCompressesAndSpansBlocks()
    {
        // 300 KB of a short repeating pattern crosses several 64 KiB blocks and uses long copies.
        var input = new byte[300_000];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (byte)"status_3,"[i % 9];
        }

        var compressed = Compress(input);
        Assert.True(compressed.Length < input.Length / 10, $"compressed to {compressed.Length} bytes");
        Assert.Equal(input, IronSnappy.Snappy.Decode(compressed));
    }

    [Fact]
    public void EmptyInputRoundTrips()
    {
        var compressed = Compress([]);
        Assert.Equal(new byte[] { 0 }, compressed);
        Assert.Empty(Decompress(compressed, 0));
    }

    [Fact]
    public void CopyBeforeTheStartOfTheOutputIsReportedNotRead()
    {
        // Length 8, then a 1-byte-offset copy (tag 01) of 4 bytes from offset 5 with nothing written yet.
        byte[] corrupt = [8, 0x01, 5];
        var error = SnappyCodec.TryDecompress(corrupt, new byte[8]);
        Assert.NotNull(error);
        Assert.Contains("out of range", error, StringComparison.Ordinal);
    }

    [Fact]
    public void LengthDifferentFromThePageHeaderIsReported()
    {
        var compressed = Compress("hello snappy"u8.ToArray());
        Assert.Contains("page header says 5", SnappyCodec.TryDecompress(compressed, new byte[5]), StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedInputNeverOverrunsAndIsReported()
    {
        var input = Sample(new Random(7));
        var compressed = Compress(input);
        for (var cut = 1; cut < compressed.Length; cut += Math.Max(1, compressed.Length / 50))
        {
            Assert.NotNull(SnappyCodec.TryDecompress(compressed.AsSpan(0, cut), new byte[input.Length]));
        }
    }

    private static byte[] Compress(byte[] input)
    {
        var output = new byte[SnappyCodec.MaxCompressedLength(input.Length)];
        var n = SnappyCodec.Compress(input, output);
        return output.AsSpan(0, n).ToArray();
    }

    private static byte[] Decompress(byte[] compressed, int length)
    {
        var output = new byte[length];
        Assert.Null(SnappyCodec.TryDecompress(compressed, output));
        return output;
    }

    /// <summary>Random bytes, text-like runs, repeats at short and long distances, sizes around block edges.</summary>
    private static byte[] Sample(Random random)
    {
        int[] sizes = [0, 1, 3, 15, 16, 17, 60, 61, 255, 256, 257, 4096, 65_535, 65_536, 65_537, 200_000];
        var length = random.Next(3) == 0 ? sizes[random.Next(sizes.Length)] : random.Next(0, 150_000);
        var data = new byte[length];
        var i = 0;
        while (i < length)
        {
            var kind = random.Next(4);
            var n = Math.Min(length - i, random.Next(1, 300));
            if (kind == 0)
            {
                random.NextBytes(data.AsSpan(i, n));
            }
            else if (kind == 1 && i > 0)
            {
                var distance = random.Next(1, Math.Min(i, 70_000) + 1);
                for (var k = 0; k < n; k++)
                {
                    data[i + k] = data[i + k - distance];
                }
            }
            else
            {
                var b = (byte)random.Next(32, 40);
                data.AsSpan(i, n).Fill(b);
            }

            i += n;
        }

        return data;
    }
}
