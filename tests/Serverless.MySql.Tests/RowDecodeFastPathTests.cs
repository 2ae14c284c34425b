using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Serverless.MySql.Client;
using Serverless.MySql.Protocol;
using Xunit;

namespace Serverless.MySql.Tests;

/// <summary>The snapshot's per-field fast paths agree with the general parsers they stand in for.</summary>
public sealed class RowDecodeFastPathTests
{
    [Fact]
    public void SixtyFourBitDecimalsAgreeWithTheGeneralParser()
    {
        var texts = Gen.Choose(0, 18).SelectMany(digits => Gen.Choose(0, digits).SelectMany(scale =>
            Gen.Elements('0', '1', '5', '9').ArrayOf(digits).SelectMany(chars => Gen.Elements("", "-", "+").Select(sign =>
            {
                var body = new string(chars);
                if (body.Length == 0)
                {
                    body = "0";
                    scale = 0;
                }

                return sign + (scale == 0 ? body : body[..^scale] + "." + body[^scale..]);
            }))));
        Prop.ForAll(texts.ToArbitrary(), text =>
        {
            var bytes = Encoding.ASCII.GetBytes(text);
            Assert.True(TextValueParser.TryParseUnscaled(bytes, out var expected, out var expectedScale), text);
            Assert.True(TextValueParser.TryParseUnscaledInt64(bytes, out var unscaled, out var scale), text);
            Assert.Equal(expected * Pow10(scale), (Int128)unscaled * Pow10(expectedScale));
            Assert.True(scale >= expectedScale, text);
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("1234567890123456789")]
    [InlineData("-0.1234567890123456789")]
    [InlineData("12a")]
    [InlineData("1.2.3")]
    [InlineData("")]
    [InlineData("-")]
    [InlineData(".")]
    public void SixtyFourBitDecimalsRefuseWhatTheyCannotHold(string text)
    {
        Assert.False(TextValueParser.TryParseUnscaledInt64(Encoding.ASCII.GetBytes(text), out _, out _));
    }

    [Theory]
    [InlineData("999999999999999999", 999_999_999_999_999_999L, 0)]
    [InlineData("-12345.6700", -123_456_700L, 4)]
    [InlineData("0.00", 0L, 2)]
    [InlineData("+7", 7L, 0)]
    public void SixtyFourBitDecimalsKeepTheScaleAsSent(string text, long unscaled, int scale)
    {
        Assert.True(TextValueParser.TryParseUnscaledInt64(Encoding.ASCII.GetBytes(text), out var value, out var s));
        Assert.Equal(unscaled, value);
        Assert.Equal(scale, s);
    }

    [Fact]
    public void UnixMicrosecondsAgreeWithDateTimeOverTheWholeRange()
    {
        var epochTicks = DateTime.UnixEpoch.Ticks;
        Prop.ForAll(
            Gen.Choose(0, int.MaxValue).Two().Select(p => ((long)p.Item1 << 31) | (uint)p.Item2).ToArbitrary(),
            seed =>
            {
                var ticks = (long)((ulong)seed % (ulong)DateTime.MaxValue.Ticks);
                var dt = new DateTime(ticks - (ticks % 10), DateTimeKind.Utc);
                var value = MySqlDateTime.FromDateTime(dt);
                Assert.True(value.TryGetUnixMicroseconds(out var micros));
                Assert.Equal((dt.Ticks - epochTicks) / 10, micros);
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void DateTimeTextToMicrosecondsAgreesWithTheGeneralParser()
    {
        // Digits anywhere in each field's range and a little beyond, so invalid dates (Feb 30, month 13, hour 24) occur too.
        var texts = Gen.Choose(0, 9999).SelectMany(year => Gen.Choose(0, 13).SelectMany(month => Gen.Choose(0, 32).SelectMany(day =>
            Gen.Choose(0, 24).SelectMany(hour => Gen.Choose(0, 60).SelectMany(minute => Gen.Choose(0, 6).SelectMany(digits =>
                Gen.Choose(0, 999_999).SelectMany(fraction => Gen.Elements(true, false).Select(dateOnly =>
                {
                    var date = string.Create(CultureInfo.InvariantCulture, $"{year:0000}-{month:00}-{day:00}");
                    if (dateOnly)
                    {
                        return date;
                    }

                    var time = string.Create(CultureInfo.InvariantCulture, $"{date} {hour:00}:{minute:00}:{minute % 60:00}");
                    return digits == 0 ? time : time + "." + (fraction % 1_000_000).ToString("000000", CultureInfo.InvariantCulture)[..digits];
                }))))))));
        Prop.ForAll(texts.ToArbitrary(), text =>
        {
            var bytes = Encoding.ASCII.GetBytes(text);
            var general = TextValueParser.TryParseDateTime(bytes, out var value) && value.TryGetUnixMicroseconds(out var expected) ? expected : (long?)null;
            var fast = TextValueParser.TryParseUnixMicroseconds(bytes, out var micros) ? micros : (long?)null;
            Assert.True(general == fast, $"{text}: general {general}, fast {fast}");
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void DateTextToDaysAgreesWithTheGeneralParser()
    {
        // Digits anywhere in each field's range and a little beyond, so invalid dates (Feb 29 of 1900, day 32, month 13) occur too.
        var texts = Gen.Choose(0, 9999).SelectMany(year => Gen.Choose(0, 13).SelectMany(month => Gen.Choose(0, 32).Select(day =>
            string.Create(CultureInfo.InvariantCulture, $"{year:0000}-{month:00}-{day:00}"))));
        Prop.ForAll(texts.ToArbitrary(), text =>
        {
            var bytes = Encoding.ASCII.GetBytes(text);
            var general = TextValueParser.TryParseDateTime(bytes, out var value) && value.IsValid
                ? new DateOnly(value.Year, value.Month, value.Day).DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber
                : (int?)null;
            var fast = TextValueParser.TryParseUnixDays(bytes, out var days) ? days : (int?)null;
            Assert.True(general == fast, $"{text}: general {general}, fast {fast}");
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("0001-01-01", -719_162)]
    [InlineData("1969-12-31", -1)]
    [InlineData("1970-01-01", 0)]
    [InlineData("2000-02-29", 11_016)]
    [InlineData("9999-12-31", 2_932_896)]
    public void DateTextToDaysCountsFromTheUnixEpoch(string text, int expected)
    {
        Assert.True(TextValueParser.TryParseUnixDays(Encoding.ASCII.GetBytes(text), out var days));
        Assert.Equal(expected, days);
    }

    [Theory]
    [InlineData("0000-00-00")]
    [InlineData("2023-02-29")]
    [InlineData("1900-02-29")]
    [InlineData("2024-13-01")]
    [InlineData("2024-01-32")]
    [InlineData("2024-1-01")]
    [InlineData("2024-01-01 00:00:00")]
    [InlineData("2024/01/01")]
    [InlineData("20a4-01-01")]
    public void DateTextThatIsNoDayIsLeftToTheGeneralParser(string text)
    {
        Assert.False(TextValueParser.TryParseUnixDays(Encoding.ASCII.GetBytes(text), out _));
    }

    [Theory]
    [InlineData("2024-02-29 12:00:00x")]
    [InlineData("2024-02-29 12:00:00.")]
    [InlineData("2024-02-29 12:00:00.1234567")]
    [InlineData("2024-02-29T12:00:00")]
    [InlineData("2024-2-29")]
    [InlineData("0000-00-00 00:00:00")]
    [InlineData("2023-02-29")]
    public void DateTimeTextThatIsNoInstantIsLeftToTheGeneralParser(string text)
    {
        Assert.False(TextValueParser.TryParseUnixMicroseconds(Encoding.ASCII.GetBytes(text), out _));
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(2023, 2, 29)]
    [InlineData(2024, 0, 15)]
    [InlineData(2024, 13, 1)]
    public void UnixMicrosecondsRefuseDatesWithoutAnInstant(int year, int month, int day)
    {
        var value = new MySqlDateTime(year, month, day, 0, 0, 0, 0);
        Assert.False(value.TryGetUnixMicroseconds(out _));
        Assert.Throws<InvalidCastException>(() => value.ToUnixMicroseconds());
    }

    [Theory]
    [InlineData("0001-01-01 00:00:00", -62_135_596_800_000_000L)]
    [InlineData("1969-12-31 23:59:59.999999", -1L)]
    [InlineData("2000-02-29 12:00:00", 951_825_600_000_000L)]
    [InlineData("9999-12-31 23:59:59.999999", 253_402_300_799_999_999L)]
    public void UnixMicrosecondsAtTheEdges(string text, long expected)
    {
        Assert.True(TextValueParser.TryParseDateTime(Encoding.ASCII.GetBytes(text), out var value));
        Assert.Equal(expected, value.ToUnixMicroseconds());
        Assert.Equal(expected, (DateTime.Parse(text, CultureInfo.InvariantCulture).Ticks - DateTime.UnixEpoch.Ticks) / 10);
    }

    private static Int128 Pow10(int n)
    {
        Int128 v = 1;
        for (var i = 0; i < n; i++)
        {
            v *= 10;
        }

        return v;
    }
}
