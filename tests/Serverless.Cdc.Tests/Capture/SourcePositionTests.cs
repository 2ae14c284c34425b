using System.Globalization;
using System.Numerics;
using Serverless.Cdc.Capture;
using Serverless.Cdc.Schema;
using Serverless.MySql.Replication;

namespace Serverless.Cdc.Tests.Capture;

/// <summary>The source generation above the binlog position, and its place in the lake's <c>_cdc_position</c>.</summary>
public sealed class SourcePositionTests
{
    private static readonly long[] Generations = [0, 1, 2, 1000, SourcePosition.MaxGeneration];
    private static readonly long[] Files = [1, 2, 3, 999_999, 1_000_000, SourcePosition.MaxFileIndex];
    private static readonly long[] Offsets = [BinlogPosition.FirstEventOffset, 4096, uint.MaxValue, SourcePosition.MaxEventOffset];
    private static readonly int[] Rows = [0, 1, int.MaxValue];

    [Fact]
    public void ANewPrimarysChangesSortAboveTheOldPrimarysAlthoughItsFilesAreNumberedLower()
    {
        var oldPrimary = new SourcePosition(0, new BinlogPosition("mariadb-bin.000003", 5_000, 2));
        var newPrimary = new SourcePosition(1, new BinlogPosition("mariadb-bin.000001", 400));

        Assert.True(oldPrimary.Binlog > newPrimary.Binlog, "the binlog positions alone order them the wrong way round");
        Assert.True(newPrimary > oldPrimary);
        Assert.True(newPrimary.SortKey > oldPrimary.SortKey);
    }

    [Fact]
    public void EveryPositionOfALaterGenerationSortsAboveEveryPositionOfAnEarlierOne()
    {
        var highestOfGeneration0 = new SourcePosition(0, new BinlogPosition($"bin.{SourcePosition.MaxFileIndex}", SourcePosition.MaxEventOffset, int.MaxValue));
        var lowestOfGeneration1 = new SourcePosition(1, new BinlogPosition("bin.000000", 0));

        Assert.True(lowestOfGeneration1 > highestOfGeneration0);
        Assert.Equal(UInt128.One << SourcePosition.GenerationShift, lowestOfGeneration1.SortKey);
    }

    [Fact]
    public void SortKeysOrderLikeThePositionsAtEveryFieldsLimits()
    {
        var positions = (
            from g in Generations
            from f in Files
            from o in Offsets
            from r in Rows
            select new SourcePosition(g, new BinlogPosition("bin." + f.ToString("D6", CultureInfo.InvariantCulture), o, r))).ToList();

        foreach (var a in positions)
        {
            foreach (var b in positions)
            {
                Assert.Equal(Math.Sign(a.CompareTo(b)), Math.Sign(a.SortKey.CompareTo(b.SortKey)));
            }
        }

        Assert.Equal(positions.Count, positions.Select(p => p.SortKey).Distinct().Count());
    }

    [Fact]
    public void GenerationZeroIsTheBinlogPositionsKeyAsLakeTablesAlreadyHoldIt()
    {
        var position = new BinlogPosition("mariadb-bin.000002", 1234, 5);

        var key = new SourcePosition(0, position).SortKey;

        Assert.Equal(position.SortKey, key);
        // 2 × 2^72 + 1234 × 2^32 + 5, the value snapshot chunks and stream rows were written with before generations.
        Assert.Equal("9444732971039280070661", key.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void TheGenerationTakesTheBitsAboveTheBinlogPosition()
    {
        var key = new SourcePosition(1, new BinlogPosition("mariadb-bin.000001", 4)).SortKey;

        Assert.Equal((UInt128.One << 103) + (UInt128.One << 72) + ((UInt128)4 << 32), key);
        Assert.Equal("10141204806548201694860450725888", key.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void TheLargestKeyFitsTheLakesDecimal38()
    {
        var largest = new SourcePosition(SourcePosition.MaxGeneration, new BinlogPosition($"bin.{SourcePosition.MaxFileIndex}", SourcePosition.MaxEventOffset, int.MaxValue));

        // Every field at its limit: all 126 bits set but the row index's top bit (a row index is an int).
        Assert.Equal((UInt128.One << 126) - 1 - (UInt128.One << 31), largest.SortKey);
        Assert.True(BigInteger.Parse(largest.SortKey.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) < BigInteger.Pow(10, CdcColumns.PositionPrecision));
        var encoded = RowConverter.EncodePosition(largest.SortKey);
        Assert.Equal((Int128)largest.SortKey, System.Buffers.Binary.BinaryPrimitives.ReadInt128BigEndian(encoded));
        Assert.True((Int128)largest.SortKey > 0, "the key stays positive in the decimal's two's complement");
    }

    [Fact]
    public void APositionOutsideTheKeysBudgetIsRefusedByName()
    {
        var position = new BinlogPosition("mariadb-bin.000001", 4);

        var generation = Assert.Throws<ArgumentOutOfRangeException>(() => new SourcePosition(SourcePosition.MaxGeneration + 1, position));
        Assert.Contains("source generation", generation.Message, StringComparison.Ordinal);
        Assert.Contains("re-snapshot", generation.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SourcePosition(-1, position));

        var file = Assert.Throws<ArgumentOutOfRangeException>(() => new SourcePosition(0, new BinlogPosition("bin.2147483648", 4)));
        Assert.Contains("bin.2147483648:4:0", file.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SourcePosition(0, new BinlogPosition("bin.1", SourcePosition.MaxEventOffset + 1)));
    }

    [Fact]
    public void APositionPrintsItsGenerationOnlyAfterAFailover()
    {
        var position = new BinlogPosition("mariadb-bin.000001", 400, 1);

        Assert.Equal("mariadb-bin.000001:400:1", new SourcePosition(0, position).ToString());
        Assert.Equal("mariadb-bin.000001:400:1 (source generation 2)", new SourcePosition(2, position).ToString());
    }
}
