using Serverless.MySql.Binlog;
using Xunit;
using static Serverless.MySql.Tests.BinlogTestEvents;

namespace Serverless.MySql.Tests;

/// <summary>MySQL binary JSON built by hand from the format description in sql/json_binary.h.</summary>
public class JsonBinaryTests
{
    [Fact]
    public void ScalarsPrintLikeMySql()
    {
        Assert.Equal("null", JsonBinary.ToJsonText(Hex("0400")));
        Assert.Equal("true", JsonBinary.ToJsonText(Hex("0401")));
        Assert.Equal("-2", JsonBinary.ToJsonText(Hex("05feff")));
        Assert.Equal("65535", JsonBinary.ToJsonText(Hex("06ffff")));
        Assert.Equal("-2147483648", JsonBinary.ToJsonText(Hex("0700000080")));
        Assert.Equal("4294967295", JsonBinary.ToJsonText(Hex("08ffffffff")));
        Assert.Equal("-9223372036854775808", JsonBinary.ToJsonText(Hex("090000000000000080")));
        Assert.Equal("18446744073709551615", JsonBinary.ToJsonText(Hex("0affffffffffffffff")));
        Assert.Equal("3.5", JsonBinary.ToJsonText(Concat([0x0b], BitConverter.GetBytes(3.5))));
        Assert.Equal("2.0", JsonBinary.ToJsonText(Concat([0x0b], BitConverter.GetBytes(2.0))));
        Assert.Equal("\"a\\\"b\\n\"", JsonBinary.ToJsonText(Concat([0x0c, 4], "a\"b\n"u8.ToArray())));
        Assert.Equal("null", JsonBinary.ToJsonText([]));
    }

    [Fact]
    public void LongStringsUseMultiByteLengths()
    {
        var text = new string('q', 200);
        Assert.Equal($"\"{text}\"", JsonBinary.ToJsonText(Concat([0x0c, 0xc8, 0x01], System.Text.Encoding.ASCII.GetBytes(text))));
    }

    [Fact]
    public void OpaqueDecimalDateTimeAndOtherTypesPrintAsMySqlDoes()
    {
        // DECIMAL(14,4) 1234567890.1234: precision, scale, packed bytes.
        Assert.Equal("1234567890.1234", JsonBinary.ToJsonText(Hex("0f f6 09 0e04 810dfb38d204d2")));
        // DATETIME 2015-01-15 23:24:25.000007 packed: ((ymd << 17 | hms) << 24) + micros.
        long ymd = (((2015 * 13) + 1) << 5) | 15;
        long hms = (23 << 12) | (24 << 6) | 25;
        var packed = (((ymd << 17) | hms) << 24) + 7;
        Assert.Equal("\"2015-01-15 23:24:25.000007\"", JsonBinary.ToJsonText(Concat([0x0f, 12, 8], BitConverter.GetBytes(packed))));
        Assert.Equal("\"2015-01-15\"", JsonBinary.ToJsonText(Concat([0x0f, 10, 8], BitConverter.GetBytes(((ymd << 17) << 24)))));
        Assert.Equal("\"-01:02:03.000000\"", JsonBinary.ToJsonText(Concat([0x0f, 11, 8], BitConverter.GetBytes(-(((1L << 12) | (2 << 6) | 3) << 24)))));
        Assert.Equal("\"base64:type252:AQI=\"", JsonBinary.ToJsonText(Hex("0f fc 02 0102")));
    }

    [Fact]
    public void LargeObjectsInlineInt32AndNestObjects()
    {
        // Large object {"k": 7, "n": {"x": false}}: 4-byte count/size/offsets, int32 inlined in large containers.
        var inner = Hex("0100 0c00 0b00 0100 040200 78"); // small object {"x": false}: 4 + 4 + 3 + key
        var header = 4 + 4 + (2 * 6) + (2 * 5);
        var keyK = header;
        var keyN = header + 1;
        var innerOffset = header + 2;
        var size = innerOffset + inner.Length;
        var large = Concat(
            [0x01],
            BitConverter.GetBytes(2), BitConverter.GetBytes(size),
            BitConverter.GetBytes(keyK), [1, 0], BitConverter.GetBytes(keyN), [1, 0],
            [0x07], BitConverter.GetBytes(7), [0x00], BitConverter.GetBytes(innerOffset),
            "kn"u8.ToArray(), inner);
        Assert.Equal("{\"k\": 7, \"n\": {\"x\": false}}", JsonBinary.ToJsonText(large));
    }

    [Fact]
    public void CorruptDocumentsFailWithAFormatError()
    {
        Assert.Throws<BinlogFormatException>(() => JsonBinary.ToJsonText(Hex("00 0100 ff00")));
        Assert.Throws<BinlogFormatException>(() => JsonBinary.ToJsonText(Hex("0c 05 61")));
        Assert.Throws<BinlogFormatException>(() => JsonBinary.ToJsonText(Hex("0e 00")));
        Assert.Throws<BinlogFormatException>(() => JsonBinary.ToJsonText(Hex("0c ffffffffff")));
    }
}
