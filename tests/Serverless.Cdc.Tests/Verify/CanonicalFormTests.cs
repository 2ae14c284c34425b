using Serverless.Cdc.Verify;

namespace Serverless.Cdc.Tests.Verify;

/// <summary>The parts of the canonical form computed on this side alone: binary floating point and the row's framing.</summary>
public sealed class CanonicalFormTests
{
    [Theory]
    [InlineData(0.1, "+-4p2702159776422298")]
    [InlineData(-0.1, "--4p2702159776422298")]
    [InlineData(1.0, "+0p0")]
    [InlineData(-3.0, "-1p2251799813685248")]
    [InlineData(double.MaxValue, "+1023p4503599627370495")]
    [InlineData(double.Epsilon, "+-1074p0")]
    [InlineData(0.0, "0")]
    public void BinaryFloatFormIsTheExactExponentAndFractionBits(double value, string expected)
    {
        Assert.Equal(expected, CanonicalColumn.FormatBinaryFloat(value));
    }

    [Fact]
    public void NegativeZeroIsZeroAsTheServerComparesIt()
    {
        Assert.Equal("0", CanonicalColumn.FormatBinaryFloat(-0.0));
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(-123456.789e-300)]
    [InlineData(4.9406564584124654e-324)]
    [InlineData(2.2250738585072009e-308)]
    [InlineData(1.7976931348623157e308)]
    [InlineData(3.4028234663852886e38)]
    public void BinaryFloatFormReadsBackToTheSameDouble(double value)
    {
        Assert.Equal(value, CanonicalColumn.ParseBinaryFloat(CanonicalColumn.FormatBinaryFloat(value)));
    }

    [Fact]
    public void NullEmptyAndLookalikeKeyFieldsFrameDifferently()
    {
        string?[][] rows = [[null, "x"], ["", "x"], ["N", "x"], ["1:N", null], ["1", ":N"], [null, null]];

        var texts = rows.Select(r => CanonicalRow.Compose(r)).ToList();

        Assert.Equal(["N1:x", "0:1:x", "1:N1:x", "3:1:NN", "1:12::N", "NN"], texts);
        Assert.Equal(texts.Count, texts.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void ChecksumIsTheServersCrc32OfTheSameFields()
    {
        // MariaDB 10.11, utf8mb4 session: CONCAT_WS(CHAR(31 USING utf8mb4), '1', 'a', NULL, 'héé', CONCAT(ISNULL('1'),
        // ISNULL('a'), ISNULL(NULL), ISNULL('héé'))) is 0x311F611F68C3A9C3A91F30303130, and CRC32() of it 419878754.
        string?[] fields = ["1", "a", null, "héé"];

        Assert.Equal("311F611F68C3A9C3A91F30303130", Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(CanonicalRow.ChecksumText(fields))));
        Assert.Equal(419878754u, CanonicalRow.Checksum(fields));
    }

    [Fact]
    public void NullAndEmptyFieldsChecksumDifferently()
    {
        Assert.NotEqual(CanonicalRow.Checksum([null, "x"]), CanonicalRow.Checksum(["", "x"]));
        Assert.NotEqual(CanonicalRow.Checksum(["x", null]), CanonicalRow.Checksum([null, "x"]));
    }
}
