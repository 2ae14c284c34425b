using Serverless.Cdc.Transport;
using Serverless.Cdc.Transport.Embedded;

namespace Serverless.Bench;

/// <summary>
/// Copies the first changes of a change log (partition 0) into a new log, in full batches: a shorter change set to
/// replay through writers, the same for each of them.
/// </summary>
public static class CdcLogPrefix
{
    public static async Task<long> CopyAsync(string from, string to, long changes)
    {
        var source = EmbeddedChangeLog.Open(from);
        var target = EmbeddedChangeLog.OpenOrCreate(to, 1, new EmbeddedChangeLogOptions { Durability = LogDurability.OperatingSystemCache });
        await using var publisher = target.OpenPublisher();
        using var reader = source.OpenReader(0, 0);
        var batch = publisher.CreateBatch(ChangeBatchOptions.ForPartition(0));
        long copied = 0;
        while (copied < changes && reader.TryRead((int)Math.Min(4096, changes - copied)) is { Count: > 0 } read)
        {
            foreach (var received in read)
            {
                if (!batch.TryAdd(received.Change))
                {
                    await publisher.PublishAsync(batch);
                    batch = publisher.CreateBatch(ChangeBatchOptions.ForPartition(0));
                    batch.TryAdd(received.Change);
                }

                copied++;
            }
        }

        if (batch.Count > 0)
        {
            await publisher.PublishAsync(batch);
        }

        return copied;
    }
}
