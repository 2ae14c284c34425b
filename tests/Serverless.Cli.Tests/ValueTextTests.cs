using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Serverless.Cli.Formatting;
using Serverless.Parquet;

namespace Serverless.Cli.Tests;

/// <summary>The date, timestamp and decimal text agrees with .NET's own formatting wherever .NET can represent the value.</summary>
public sealed class ValueTextTests
{
    private static readonly long MinMicros = (DateTime.MinValue.Ticks - DateTime.UnixEpoch.Ticks) / 10;
    private static readonly long MaxMicros = (DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    [Fact]
    public void TimestampTextMatchesDateTimeFormattingAcrossItsWholeRange()
    {
        var micros = Gen.Choose(0, int.MaxValue).Two().Select(t => MinMicros + (long)((((ulong)t.Item1 << 31) | (uint)t.Item2) % (ulong)(MaxMicros - MinMicros)));
        Prop.ForAll(micros.ToArbitrary(), m =>
        {
            var expected = DateTime.UnixEpoch.AddTicks(m * 10).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
            Span<char> text = stackalloc char[TemporalText.MaxLength];
            var utc = new string(text[..TemporalText.FormatTimestamp(m, utc: true, text)]);
            var ntz = new string(text[..TemporalText.FormatTimestamp(m, utc: false, text)]);
            return utc == expected + "Z" && ntz == expected;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void DateTextMatchesDateOnlyFormatting()
    {
        var epochDay = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
        Prop.ForAll(Gen.Choose(DateOnly.MinValue.DayNumber, DateOnly.MaxValue.DayNumber).ToArbitrary(), dayNumber =>
        {
            Span<char> text = stackalloc char[TemporalText.MaxLength];
            var n = TemporalText.FormatDate(dayNumber - epochDay, text);
            return new string(text[..n]) == DateOnly.FromDayNumber(dayNumber).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void YearsBeyondFourDigitsUseTheExpandedIsoForm()
    {
        Span<char> text = stackalloc char[TemporalText.MaxLength];
        var n = TemporalText.FormatTimestamp(long.MaxValue, utc: true, text);
        Assert.Equal("+294247-01-10T04:00:54.775807Z", new string(text[..n]));
        n = TemporalText.FormatDate(-719_529, text);
        Assert.Equal("-0001-12-31", new string(text[..n]));
    }

    [Fact]
    public void DecimalTextKeepsTheScaleAndMatchesSystemDecimal()
    {
        var gen = Gen.Choose(int.MinValue, int.MaxValue).Two().Zip(Gen.Choose(0, 18));
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var ((hi, lo), scale) = t;
            var unscaled = ((long)hi << 32) | (uint)lo;
            var expected = new decimal(Math.Abs(unscaled) % 1_000_000_000_000_000_000L * (unscaled < 0 ? -1 : 1)) / (decimal)Math.Pow(10, scale);
            var value = new ParquetDecimal(decimal.ToInt64(expected * (decimal)Math.Pow(10, scale)), scale);
            Span<char> text = stackalloc char[DecimalText.MaxLength];
            var n = DecimalText.Format(value.Unscaled, scale, text);
            return new string(text[..n]) == expected.ToString("F" + scale.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void DecimalTextHandlesThirtyEightDigitExtremes()
    {
        Span<char> text = stackalloc char[DecimalText.MaxLength];
        var max = Int128.Parse("99999999999999999999999999999999999999", CultureInfo.InvariantCulture);
        Assert.Equal("-9999999999999999999999999999999.9999999", new string(text[..DecimalText.Format(-max, 7, text)]));
        Assert.Equal("0.00000000000000000000000000000000000001", new string(text[..DecimalText.Format(1, 38, text)]));
        Assert.Equal("-0.001", new string(text[..DecimalText.Format(-1, 3, text)]));
        Assert.Equal("0.00", new string(text[..DecimalText.Format(0, 2, text)]));
    }
}
