using Serverless.Parquet.Encodings;
using Xunit;
using ZstdSharp;

namespace Serverless.Parquet.Tests;

/// <summary>ZSTD page bodies as writers may frame them: one frame, several frames, streamed frames without a content size.</summary>
public sealed class ZstdCodecTests
{
    private static byte[] Text(int length, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)('a' + random.Next(6));
        }

        return bytes;
    }

    private static byte[] Frame(byte[] data)
    {
        using var compressor = new Compressor(3);
        return compressor.Wrap(data).ToArray();
    }

    private static byte[] StreamedFrame(byte[] data)
    {
        using var output = new MemoryStream();
        using (var stream = new CompressionStream(output, 3, leaveOpen: true))
        {
            // Written in pieces, as a streaming writer does, so the frame header cannot declare the content size.
            for (var i = 0; i < data.Length; i += 1000)
            {
                stream.Write(data, i, Math.Min(1000, data.Length - i));
            }
        }

        return output.ToArray();
    }

    [Fact]
    public void ConcatenatedFramesDecodeAsOnePage()
    {
        var first = Text(5000, 1);
        var second = Text(7000, 2);
        byte[] page = [.. Frame(first), .. Frame(second)];
        var output = new byte[first.Length + second.Length];

        Assert.Null(PageCompression.CheckClaimedSize(ParquetCompression.Zstd, page, output.Length));
        PageCompression.Decompress(ParquetCompression.Zstd, page, output, 0, "c");
        Assert.Equal([.. first, .. second], output);
    }

    [Fact]
    public void StreamedFrameWithoutAContentSizeDecodes()
    {
        var data = Text(300_000, 3);
        var page = StreamedFrame(data);
        var output = new byte[data.Length];

        Assert.Null(PageCompression.CheckClaimedSize(ParquetCompression.Zstd, page, output.Length));
        PageCompression.Decompress(ParquetCompression.Zstd, page, output, 0, "c");
        Assert.Equal(data, output);
    }

    [Fact]
    public void ClaimBeyondWhatTheFrameDeclaresIsRefusedBeforeAllocating()
    {
        var page = Frame(Text(5000, 4));
        var problem = PageCompression.CheckClaimedSize(ParquetCompression.Zstd, page, 5001);
        Assert.Contains("ZSTD frames hold at most 5000", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ClaimSmallerThanTheFrameHoldsFailsNamingTheColumn()
    {
        var page = Frame(Text(5000, 5));
        var e = Assert.Throws<ParquetFormatException>(() => PageCompression.Decompress(ParquetCompression.Zstd, page, new byte[4999], 77, "col"));
        Assert.Contains("file offset 77", e.Message, StringComparison.Ordinal);
        Assert.Contains("column 'col': corrupt zstd page", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GarbageIsACorruptPageNotACrash()
    {
        var e = Assert.Throws<ParquetFormatException>(() => PageCompression.Decompress(ParquetCompression.Zstd, Text(100, 6), new byte[1000], 5, "col"));
        Assert.Contains("corrupt zstd page", e.Message, StringComparison.Ordinal);
    }
}
