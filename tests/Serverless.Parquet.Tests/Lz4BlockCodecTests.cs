using System.Text;
using Serverless.Parquet.Encodings;
using Xunit;

namespace Serverless.Parquet.Tests;

/// <summary>LZ4 blocks built by hand from the block format's description: each rule, and each way a block can lie.</summary>
public sealed class Lz4BlockCodecTests
{
    private static string Decode(byte[] block, int length)
    {
        var output = new byte[length];
        Assert.Null(Lz4BlockCodec.TryDecompress(block, output));
        return Encoding.ASCII.GetString(output);
    }

    private static string Refuse(byte[] block, int length) =>
        Assert.IsType<string>(Lz4BlockCodec.TryDecompress(block, new byte[length]));

    [Fact]
    public void LiteralsOnlyBlockIsCopied() =>
        Assert.Equal("abcd", Decode([0x40, (byte)'a', (byte)'b', (byte)'c', (byte)'d'], 4));

    [Fact]
    public void OverlappingMatchRepeatsTheLastBytes() =>

        // "ab", then a match at offset 2 of 4 + 2 bytes, then a last literal "!".
        Assert.Equal("abababab!", Decode([0x22, (byte)'a', (byte)'b', 0x02, 0x00, 0x10, (byte)'!'], 9));

    [Fact]
    public void DistantMatchCopiesWithoutOverlap() =>
        Assert.Equal("abcdefabcd.", Decode([0x60, .. "abcdef"u8, 0x06, 0x00, 0x10, (byte)'.'], 11));

    [Fact]
    public void LengthsOfFifteenContinueInTheFollowingBytes()
    {
        // Token 0xFF: 15 + 255 + 2 = 272 literal bytes, then a match of 4 + 15 + 1 = 20 from offset 1, then one last literal.
        var literals = Enumerable.Repeat((byte)'x', 272).ToArray();
        byte[] block = [0xFF, 255, 2, .. literals, 0x01, 0x00, 1, 0x10, (byte)'y'];
        Assert.Equal(new string('x', 292) + "y", Decode(block, 293));
    }

    [Fact]
    public void EmptyBlockDecodesToNothing() => Assert.Equal(string.Empty, Decode([], 0));

    [Fact]
    public void ZeroOffsetIsRefused() => Assert.Contains("offset 0", Refuse([0x10, (byte)'a', 0x00, 0x00, 0x10, (byte)'b'], 10), StringComparison.Ordinal);

    [Fact]
    public void OffsetBeforeTheOutputStartIsRefused() => Assert.Contains("offset 5", Refuse([0x10, (byte)'a', 0x05, 0x00, 0x10, (byte)'b'], 10), StringComparison.Ordinal);

    [Fact]
    public void LiteralsPastTheBlockEndAreRefused() => Assert.Contains("past the end", Refuse([0x50, (byte)'a'], 5), StringComparison.Ordinal);

    [Fact]
    public void OutputLongerThanDeclaredIsRefused() => Assert.Contains("more than the 3 bytes", Refuse([0x40, .. "abcd"u8], 3), StringComparison.Ordinal);

    [Fact]
    public void OutputShorterThanDeclaredIsRefused() => Assert.Contains("decompresses to 4 bytes", Refuse([0x40, .. "abcd"u8], 9), StringComparison.Ordinal);

    [Fact]
    public void BlockEndingInsideAMatchOffsetIsRefused() => Assert.Contains("offset runs past", Refuse([0x10, (byte)'a', 0x01], 9), StringComparison.Ordinal);

    [Fact]
    public void UnterminatedLengthIsRefused() => Assert.Contains("literal length", Refuse([0xF0, 255, 255], 9), StringComparison.Ordinal);
}
