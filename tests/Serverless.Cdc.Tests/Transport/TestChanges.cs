using Serverless.Cdc.Capture;
using Serverless.Cdc.Transport;
using Serverless.MySql.Replication;

namespace Serverless.Cdc.Tests.Transport;

/// <summary>Change events for transport tests: row <paramref name="id"/> of a table at a given binlog offset, with a payload of a chosen size.</summary>
internal static class TestChanges
{
    public static ChangeEvent Row(string table, long id, long offset, int payloadBytes = 16, ChangeKind kind = ChangeKind.Update) => new()
    {
        Kind = kind,
        Database = "shop",
        Table = table,
        SchemaVersion = 1,
        Position = new BinlogPosition("mariadb-bin.000007", offset),
        Gtid = "0-1-" + offset,
        CommitTime = DateTimeOffset.UnixEpoch.AddSeconds(offset),
        Key = [ChangeValue.FromInt64(id)],
        Row = [ChangeValue.FromInt64(id), ChangeValue.FromBinary(new byte[payloadBytes])],
    };

    public static ChangeBatch Batch(IChangePublisher publisher, string partitionKey, IEnumerable<ChangeEvent> changes)
    {
        var batch = publisher.CreateBatch(ChangeBatchOptions.ForKey(partitionKey));
        foreach (var change in changes)
        {
            Assert.True(batch.TryAdd(change), $"{change} did not fit the test batch.");
        }

        return batch;
    }

    public static List<ReceivedChange> ReadAll(IChangeLog log, int partition, long from = 0)
    {
        using var reader = log.OpenReader(partition, from);
        var all = new List<ReceivedChange>();
        while (reader.TryRead(1000) is { Count: > 0 } some)
        {
            all.AddRange(some);
        }

        return all;
    }
}
