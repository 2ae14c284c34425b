using Serverless.Cdc.Capture;
using Serverless.Cdc.Transport;

namespace Serverless.Cdc.Tests.Transport;

public sealed class PartitionKeysTests
{
    [Fact]
    public void ATableWithoutSpreadHasOneKeyForAllItsRows()
    {
        var keys = Enumerable.Range(0, 100).Select(i => PartitionKeys.ForChange(TestChanges.Row("orders", i, i))).Distinct().ToList();

        Assert.Equal(["shop.orders"], keys);
    }

    [Fact]
    public void ASpreadTableKeepsEachRowOnOneSlotAndUsesAllSlots()
    {
        var byRow = Enumerable.Range(0, 1000).ToDictionary(i => i, i => PartitionKeys.ForChange(TestChanges.Row("hot", i, i), spread: 4));

        Assert.All(byRow, kv => Assert.Equal(kv.Value, PartitionKeys.ForChange(TestChanges.Row("hot", kv.Key, 5_000 + kv.Key), spread: 4)));
        Assert.Equal(PartitionKeys.ForTableSlots("shop", "hot", 4).Order(), byRow.Values.Distinct().Order());
        Assert.All(byRow.Values.GroupBy(k => k), g => Assert.InRange(g.Count(), 150, 350));
    }

    [Fact]
    public void DdlOfASpreadTableGoesToTheTableKey()
    {
        var ddl = new ChangeEvent { Kind = ChangeKind.Ddl, Database = "shop", Table = "hot", Position = new("binlog.000001", 4), Sql = "TRUNCATE hot" };

        Assert.Equal("shop.hot", PartitionKeys.ForChange(ddl, spread: 4));
    }

    [Fact]
    public void TheKeyHashIsStableAcrossProcessesAndVersions()
    {
        // Fixed values: a change here would move keys between partitions of an existing log.
        Assert.Equal(0xa8cf0e0fc0c6b52fUL, PartitionKeys.HashValues([ChangeValue.FromInt64(42), ChangeValue.FromString("x")]));
        Assert.Equal(4, PartitionKeys.PartitionFor("shop.orders", 8));
    }

    [Fact]
    public void AKeyLongerThanEventHubsAllowsBecomesAHash()
    {
        var key = PartitionKeys.ForTable(new string('d', 64), new string('t', 64));

        Assert.True(key.Length <= PartitionKeys.MaxLength);
        Assert.StartsWith("h:", key, StringComparison.Ordinal);
    }
}
