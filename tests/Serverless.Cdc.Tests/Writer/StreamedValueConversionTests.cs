using System.Globalization;
using System.Numerics;
using System.Text;
using Serverless.Cdc.Capture;
using Serverless.Cdc.Writer;
using Serverless.MySql.Client;
using Serverless.Parquet;

namespace Serverless.Cdc.Tests.Writer;

/// <summary>The writer's shortcuts for streamed values give what the general conversion gives.</summary>
public sealed class StreamedValueConversionTests
{
    [Fact]
    public void DecimalsReadWithoutABigIntegerEqualTheBigIntegerConversion()
    {
        var random = new Random(7);
        var values = new List<BigInteger> { 0, 1, -1, 127, 128, -128, -129, 255, 256, long.MaxValue, long.MinValue, (BigInteger)Int128.MaxValue, (BigInteger)Int128.MinValue };
        for (var i = 0; i < 2000; i++)
        {
            var digits = random.Next(1, 39);
            var text = new StringBuilder(random.Next(2) == 0 ? "-" : string.Empty).Append((char)('1' + random.Next(9)));
            for (var d = 1; d < digits; d++)
            {
                text.Append((char)('0' + random.Next(10)));
            }

            values.Add(BigInteger.Parse(text.ToString(), CultureInfo.InvariantCulture));
        }

        foreach (var unscaled in values)
        {
            var scale = random.Next(0, 31);
            var value = ChangeValue.FromDecimal(new MySqlDecimal(unscaled, scale));
            Assert.Equal(new ParquetDecimal((Int128)unscaled, scale), ChangeRowConverter.DecimalOf(value));
        }
    }

    [Fact]
    public void ADecimalBeyond128BitsStillOverflowsAsBefore()
    {
        var value = ChangeValue.FromDecimal(new MySqlDecimal(BigInteger.Pow(10, 40), 0));
        Assert.Throws<OverflowException>(() => ChangeRowConverter.DecimalOf(value));
    }

    [Fact]
    public void RepeatedTextHandsOutTheRememberedStringForEqualBytes()
    {
        var cache = new RepeatedText();
        var first = Lookup(cache, "status_3");
        var again = Lookup(cache, "status_3");
        var other = Lookup(cache, "status_4");
        Assert.Equal("status_3", first);
        Assert.Same(first, again);
        Assert.Equal("status_4", other);
        Assert.Same(other, Lookup(cache, "status_4"));
        Assert.Same(first, Lookup(cache, "status_3"));
    }

    [Fact]
    public void RepeatedTextStopsRememberingAColumnOfDistinctValuesAndStillDecodesThem()
    {
        var cache = new RepeatedText();
        for (var i = 0; i < 10_000; i++)
        {
            Assert.Equal("user" + i + "@example.com", Lookup(cache, "user" + i + "@example.com"));
        }

        var late = Lookup(cache, "user1@example.com");
        Assert.Equal("user1@example.com", late);
        Assert.NotSame(late, Lookup(cache, "user1@example.com"));
    }

    private static string Lookup(RepeatedText cache, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (cache.TryGet(bytes, out var known))
        {
            return known;
        }

        var decoded = Encoding.UTF8.GetString(bytes);
        cache.Remember(bytes, decoded);
        return decoded;
    }
}
