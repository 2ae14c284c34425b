using Serverless.Cdc.Snapshot;

namespace Serverless.Cdc.Tests;

/// <summary>Range arithmetic of the integer-key planner, checked exhaustively over small spans (and at the 64-bit edges).</summary>
public sealed class IntegerKeyRangeTests
{
    [Fact]
    public void RangesTileMinToMaxWithOpenOuterBoundsForEverySmallSpanAndCount()
    {
        for (var min = -3; min <= 3; min++)
        {
            for (var max = min; max <= min + 40; max++)
            {
                for (var count = 1; count <= 45; count++)
                {
                    var ranges = IntegerKeyRange.Split(min, max, count);

                    Assert.Null(ranges[0].Lower);
                    Assert.Null(ranges[^1].Upper);
                                        for (var i = 1; i < ranges.Count; i++)
                    {
                        Assert.Equal(ranges[i - 1].Upper, ranges[i].Lower);
                        Assert.True(ranges[i].Lower > (ranges[i - 1].Lower ?? Int128.MinValue));
                    }

                    // Every key in MIN..MAX lies in exactly one range, and widths count exactly the keys each range holds.
                    var holds = new int[ranges.Count];
                    for (Int128 key = min; key <= max; key++)
                    {
                        var owners = 0;
                        for (var i = 0; i < ranges.Count; i++)
                        {
                            if ((ranges[i].Lower is not { } l || key >= l) && (ranges[i].Upper is not { } u || key < u))
                            {
                                owners++;
                                holds[i]++;
                            }
                        }

                        Assert.Equal(1, owners);
                    }

                    for (var i = 0; i < ranges.Count; i++)
                    {
                        Assert.Equal(holds[i], ranges[i].Width);
                        Assert.True(ranges[i].Width >= 1, $"empty range {i} for {min}..{max} in {count}");
                    }

                    // Widths differ by at most one: floor or ceiling of span / ranges, so no range is a small remainder.
                    Int128 span = max - min + 1;
                    Assert.Equal(Math.Min(count, max - min + 1), ranges.Count);
                    Assert.All(ranges, r => Assert.InRange(r.Width, span / ranges.Count, (span + ranges.Count - 1) / ranges.Count));
                }
            }
        }
    }

    [Fact]
    public void FullUnsignedBigintSpanSplitsWithoutOverflow()
    {
        var ranges = IntegerKeyRange.Split(0, ulong.MaxValue, 7);

        Assert.Equal(7, ranges.Count);
        Assert.Equal((Int128)ulong.MaxValue + 1, ranges.Aggregate(Int128.Zero, (sum, r) => sum + r.Width));
        var signed = IntegerKeyRange.Split(long.MinValue, long.MaxValue, 3);
        Assert.Equal((Int128)ulong.MaxValue + 1, signed.Aggregate(Int128.Zero, (sum, r) => sum + r.Width));
    }

    [Theory]
    [InlineData(5_400_000)]
    [InlineData(5_000_000)]
    [InlineData(4_835_682)]
    [InlineData(4_000_000)]
    public void DenseUniqueKeyGetsOneRangePerChunkWhateverTheEstimateWithinAQuarter(long estimate)
    {
        // 5M dense ids: a unique key cannot hold more rows than values, and an estimate near the span is taken as dense.
        var count = IntegerKeyRange.Count(1, 5_000_000, estimate, 500_000, isUnique: true, maxRanges: 10_000);
        var ranges = IntegerKeyRange.Split(1, 5_000_000, count);

        Assert.Equal(10, count);
        Assert.All(ranges, r => Assert.Equal(500_000, r.Width));
    }

    [Fact]
    public void NonUniqueKeyOrSparseUniqueKeyIsCountedByTheEstimate()
    {
        Assert.Equal(11, IntegerKeyRange.Count(1, 5_000_000, 5_400_000, 500_000, isUnique: false, maxRanges: 10_000));
        Assert.Equal(8, IntegerKeyRange.Count(1, 5_000_000, 4_000_000, 500_000, isUnique: false, maxRanges: 10_000));

        // Half full by estimate: ranges of two chunks of values, each about a chunk of rows.
        Assert.Equal(5, IntegerKeyRange.Count(1, 5_000_000, 2_500_000, 500_000, isUnique: true, maxRanges: 10_000));
    }

    [Theory]
    [InlineData(20_000, 1_000, 20)]
    [InlineData(20_000, 3_000, 7)]
    [InlineData(20_000, 1_500, 14)]
    [InlineData(5_000_000, 250_000, 20)]
    public void DenseUniqueKeyRangesHoldAtMostAChunkAndAtLeastHalfOne(long rows, long chunkRows, int expected)
    {
        var count = IntegerKeyRange.Count(1, rows, rows, chunkRows, isUnique: true, maxRanges: 10_000);
        var ranges = IntegerKeyRange.Split(1, rows, count);

        Assert.Equal(expected, ranges.Count);
        Assert.All(ranges, r => Assert.InRange(r.Width, chunkRows / 2, chunkRows));
    }

    [Fact]
    public void RangeCountIsCappedAndNeverZero()
    {
        Assert.Equal(10_000, IntegerKeyRange.Count(1, long.MaxValue, long.MaxValue, 1, isUnique: true, maxRanges: 10_000));
        Assert.Equal(1, IntegerKeyRange.Count(1, 10, 0, 1_000, isUnique: true, maxRanges: 10_000));
        Assert.Equal(1, IntegerKeyRange.Count(5, 5, -1, 1, isUnique: true, maxRanges: 10_000));
    }

    [Fact]
    public void MaxBelowMinIsRefusedWithBothValues()
    {
        var e = Assert.Throws<ArgumentException>(() => IntegerKeyRange.Split(10, 9, 2));
        Assert.Contains("MAX 9", e.Message, StringComparison.Ordinal);
        Assert.Contains("MIN 10", e.Message, StringComparison.Ordinal);
    }
}
