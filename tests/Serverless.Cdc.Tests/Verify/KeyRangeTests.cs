using Serverless.Cdc.Snapshot;
using Serverless.Cdc.Verify;

namespace Serverless.Cdc.Tests.Verify;

/// <summary>Lake keys fall in the source's ranges as the keyset predicate puts source rows there, prefix bounds included.</summary>
public sealed class KeyRangeTests
{
    [Fact]
    public void PrefixBoundComparesOnItsOwnColumnsOnly()
    {
        KeyPart[] key = [KeyPart.FromNumber(5), KeyPart.FromBytes([0x10])];

        Assert.Equal(0, KeyPart.CompareToBound(key, [KeyPart.FromNumber(5)]));
        Assert.True(KeyPart.CompareToBound(key, [KeyPart.FromNumber(6)]) < 0);
        Assert.True(KeyPart.CompareToBound(key, [KeyPart.FromNumber(5), KeyPart.FromBytes([0x0F, 0xFF])]) > 0);
        Assert.True(KeyPart.CompareToBound(key, [KeyPart.FromNumber(5), KeyPart.FromBytes([0x10, 0x00])]) < 0);
    }

    [Fact]
    public void RangeHoldsItsLowerBoundAndNotItsUpperBound()
    {
        var range = Range([KeyPart.FromNumber(10)], [KeyPart.FromNumber(20), KeyPart.FromNumber(3)]);

        Assert.True(range.Contains([KeyPart.FromNumber(10), KeyPart.FromNumber(-1)]));
        Assert.True(range.Contains([KeyPart.FromNumber(20), KeyPart.FromNumber(2)]));
        Assert.False(range.Contains([KeyPart.FromNumber(20), KeyPart.FromNumber(3)]));
        Assert.False(range.Contains([KeyPart.FromNumber(9), KeyPart.FromNumber(100)]));
    }

    [Fact]
    public void NullSortsBeforeEveryValueAsZeroDatesDo()
    {
        Assert.True(KeyPart.Null < KeyPart.FromNumber(long.MinValue));
        Assert.True(Range(null, [KeyPart.FromNumber(0)]).Contains([KeyPart.Null]));
    }

    [Fact]
    public void RangesSortByLowerBoundWithTheOpenOneFirst()
    {
        var open = Range(null, [KeyPart.FromNumber(1)]);
        var one = Range([KeyPart.FromNumber(1)], [KeyPart.FromNumber(1), KeyPart.FromNumber(7)]);
        var oneSeven = Range([KeyPart.FromNumber(1), KeyPart.FromNumber(7)], [KeyPart.FromNumber(2)]);
        var two = Range([KeyPart.FromNumber(2)], null);
        var ranges = new List<KeyRange> { two, oneSeven, open, one };

        ranges.Sort(KeyRange.CompareLower);

        Assert.Equal([open, one, oneSeven, two], ranges);
    }

    private static KeyRange Range(KeyPart[]? lower, KeyPart[]? upper) => new(
        lower?.Select(p => new KeyValue(KeyValueKind.Number, "0")).ToArray(),
        upper?.Select(p => new KeyValue(KeyValueKind.Number, "0")).ToArray(),
        lower,
        upper);
}
