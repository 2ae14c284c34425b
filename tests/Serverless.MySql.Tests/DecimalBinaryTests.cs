using Serverless.MySql.Binlog;
using Xunit;
using static Serverless.MySql.Tests.BinlogTestEvents;

namespace Serverless.MySql.Tests;

public class DecimalBinaryTests
{
    [Theory]
    [InlineData("810dfb38d204d2", 14, 4, "1234567890.1234")]
    [InlineData("7ef204c72dfb2d", 14, 4, "-1234567890.1234")]
    [InlineData("80", 1, 0, "0")]
    [InlineData("8000000000", 10, 2, "0.00")]
    [InlineData("7fffffffff", 10, 2, "0.00")]
    public void PackedDecimalsFromTheFormatDescriptionDecodeExactly(string hex, int precision, int scale, string expected)
    {
        Assert.Equal(expected, DecimalBinary.Decode(Hex(hex), precision, scale).ToString());
    }

    [Fact]
    public void SixtyFiveDigitDecimalsKeepEveryDigit()
    {
        // DECIMAL(65,30): 35 integer digits = 8 bytes + 3 groups of 4, 30 fraction digits = 3 groups + 3 digits in 2 bytes.
        Assert.Equal(30, DecimalBinary.BinarySize(65, 30));
        var bytes = new byte[30];
        Array.Fill(bytes, (byte)0);
        bytes[0] = 0x80;
        bytes[^1] = 1; // the last fraction digit group (3 digits) = 001
        Assert.Equal("0.000000000000000000000000000001", DecimalBinary.Decode(bytes, 65, 30).ToString());
        Assert.Throws<BinlogFormatException>(() => DecimalBinary.Decode(bytes.AsSpan(0, 29), 65, 30));
        Assert.Throws<BinlogFormatException>(() => DecimalBinary.BinarySize(66, 0));
    }
}
