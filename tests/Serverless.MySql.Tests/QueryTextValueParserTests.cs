using System.Globalization;
using System.Numerics;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Serverless.MySql.Client;
using Serverless.MySql.Protocol;
using Xunit;

namespace Serverless.MySql.Tests;

/// <summary>Text-protocol value parsing from the renderings MySQL documents for each type.</summary>
public sealed class QueryTextValueParserTests
{
    [Theory]
    [InlineData("0000-00-00", 0, 0, 0, 0, 0, 0, 0)]
    [InlineData("0000-00-00 00:00:00", 0, 0, 0, 0, 0, 0, 0)]
    [InlineData("2024-02-29", 2024, 2, 29, 0, 0, 0, 0)]
    [InlineData("9999-12-31 23:59:59.999999", 9999, 12, 31, 23, 59, 59, 999999)]
    [InlineData("2038-01-19 03:14:07.5", 2038, 1, 19, 3, 14, 7, 500000)]
    [InlineData("1000-01-01 00:00:00.000", 1000, 1, 1, 0, 0, 0, 0)]
    [InlineData("2024-00-15", 2024, 0, 15, 0, 0, 0, 0)]
    public void DatesAndDateTimesParse(string text, int y, int mo, int d, int h, int mi, int s, int us)
    {
        Assert.True(TextValueParser.TryParseDateTime(Encoding.ASCII.GetBytes(text), out var value));
        Assert.Equal(new MySqlDateTime(y, mo, d, h, mi, s, us), value);
    }

    [Theory]
    [InlineData("2024-1-01")]
    [InlineData("2024-01-01T00:00:00")]
    [InlineData("2024-01-01 00:00:00.")]
    [InlineData("2024-01-01 00:00:00.1234567")]
    [InlineData("abcd-01-01")]
    public void MalformedDatesAreRejected(string text) =>
        Assert.False(TextValueParser.TryParseDateTime(Encoding.ASCII.GetBytes(text), out _));

    [Theory]
    [InlineData("00:00:00", 0L)]
    [InlineData("-838:59:59", -3_020_399_000_000L)]
    [InlineData("838:59:59.000000", 3_020_399_000_000L)]
    [InlineData("100:00:00.5", 360_000_500_000L)]
    [InlineData("-00:00:01.000001", -1_000_001L)]
    public void TimesParseIncludingNegativeAndBeyondADay(string text, long microseconds)
    {
        Assert.True(TextValueParser.TryParseTime(Encoding.ASCII.GetBytes(text), out var value));
        Assert.Equal(microseconds * 10, value.Ticks);
    }

    [Fact]
    public void DateTimesRoundTripThroughMySqlText()
    {
        Prop.ForAll<DateTime>(dt =>
        {
            var value = MySqlDateTime.FromDateTime(dt);
            return TextValueParser.TryParseDateTime(Encoding.ASCII.GetBytes(value.ToString()), out var back) && back == value &&
                   back.ToDateTime() == new DateTime(dt.Ticks - (dt.Ticks % 10));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void DecimalsRoundTripThroughTheirText()
    {
        Prop.ForAll<decimal>(d =>
        {
            var text = Encoding.ASCII.GetBytes(d.ToString(CultureInfo.InvariantCulture));
            return TextValueParser.TryParseDecimal(text, out var back) && back == d &&
                   MySqlDecimal.Parse(text).ToDecimal() == d;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void SixtyFiveDigitDecimalsAreExact()
    {
        Prop.ForAll<byte[], bool, byte>((seed, negative, scaleSeed) =>
        {
            var digits = new StringBuilder();
            for (var i = 0; i < 65; i++)
            {
                digits.Append((char)('0' + ((i < seed.Length ? seed[i] : i * 7) % 10)));
            }

            var scale = scaleSeed % 31;
            var text = digits.ToString().TrimStart('0');
            text = text.Length == 0 ? "0" : text;
            var unscaled = BigInteger.Parse(text, CultureInfo.InvariantCulture) * (negative ? -1 : 1);
            var value = new MySqlDecimal(unscaled, scale);
            var parsed = MySqlDecimal.Parse(Encoding.ASCII.GetBytes(value.ToString()));
            return parsed.Unscaled == unscaled && parsed.Scale == scale;
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("12345.678000000000000000000000000000", "12345678000000000000000000000000000", 30)]
    [InlineData("-0.000000000000000000000000000001", "-1", 30)]
    [InlineData("99999999999999999999999999999999999999", "99999999999999999999999999999999999999", 0)]
    [InlineData("1.100000000000000000000000000000000000000000", "11", 1)]
    public void UnscaledDecimalsKeepTheColumnScaleWhenTheyFit(string text, string unscaled, int scale)
    {
        Assert.True(TextValueParser.TryParseUnscaled(Encoding.ASCII.GetBytes(text), out var value, out var s));
        Assert.Equal(Int128.Parse(unscaled, CultureInfo.InvariantCulture), value);
        Assert.Equal(scale, s);
    }

    [Fact]
    public void DecimalsBeyondThirtyEightDigitsDoNotFitInt128()
    {
        Assert.False(TextValueParser.TryParseUnscaled(Encoding.ASCII.GetBytes(new string('9', 39)), out _, out _));
        Assert.False(TextValueParser.TryParseDecimal(Encoding.ASCII.GetBytes(new string('9', 30)), out _));
        Assert.True(TextValueParser.TryParseDecimal(Encoding.ASCII.GetBytes("79228162514264337593543950335"), out var max));
        Assert.Equal(decimal.MaxValue, max);
    }

    [Fact]
    public void IntegersAndDoublesRoundTrip()
    {
        Prop.ForAll<long, ulong, double>((l, u, d) =>
        {
            var okLong = TextValueParser.TryParseInt64(Encoding.ASCII.GetBytes(l.ToString(CultureInfo.InvariantCulture)), out var l2) && l2 == l;
            var okULong = TextValueParser.TryParseUInt64(Encoding.ASCII.GetBytes(u.ToString(CultureInfo.InvariantCulture)), out var u2) && u2 == u;
            var okDouble = !double.IsFinite(d) ||
                (TextValueParser.TryParseDouble(Encoding.ASCII.GetBytes(d.ToString("R", CultureInfo.InvariantCulture)), out var d2) && d2.Equals(d));
            return okLong && okULong && okDouble;
        }).QuickCheckThrowOnFailure();
        Assert.False(TextValueParser.TryParseInt64("12x"u8, out _));
        Assert.False(TextValueParser.TryParseUInt64("-1"u8, out _));
        Assert.True(TextValueParser.TryParseDouble("1.7976931348623157e308"u8, out var max));
        Assert.Equal(double.MaxValue, max);
    }

    [Fact]
    public void BitValuesAreBigEndian()
    {
        Assert.True(TextValueParser.TryParseBit([0x02, 0x01], out var v));
        Assert.Equal(513ul, v);
        Assert.True(TextValueParser.TryParseBit([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], out var max));
        Assert.Equal(ulong.MaxValue, max);
        Assert.False(TextValueParser.TryParseBit(new byte[9], out _));
    }

    [Fact]
    public void Latin1IsWindows1252AndUnknownCollationsAreUtf8()
    {
        Assert.Equal("€œ", CharacterSets.ForCollation(8)!.GetString([0x80, 0x9C]));
        Assert.Equal("é", CharacterSets.ForCollation(45)!.GetString([0xC3, 0xA9]));
        Assert.Null(CharacterSets.ForCollation(CharacterSets.Binary));
        Assert.Equal(Encoding.UTF8, CharacterSets.ForCollation(60000));
    }
}
