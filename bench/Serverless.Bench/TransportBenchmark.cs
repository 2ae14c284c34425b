using System.Buffers.Binary;
using System.Diagnostics;
using Serverless.Cdc.Capture;
using Serverless.Cdc.Transport;
using Serverless.Cdc.Transport.Embedded;
using Serverless.MySql.Replication;

namespace Serverless.Bench;

/// <summary>
/// The embedded change log against the floor under it: the same serialized change events appended to a plain file as
/// length-prefixed payloads with one fsync per batch (what any durable log pays), and read back sequentially and
/// deserialized the same way. Publishes and raw appends alternate batch by batch, so both see the same disk load.
/// </summary>
public static class TransportBenchmark
{
    private const int EventPayloadBytes = 120;

    public static async Task<int> RunAsync(string[] args)
    {
        var root = Path.Combine(Path.GetTempPath(), "serverless-bench-transport-" + Guid.NewGuid().ToString("N"));
        try
        {
            var results = new List<BenchmarkResult>();
            foreach (var (eventsPerBatch, batches) in new[] { (16, 1500), (4000, 60) })
            {
                var (ours, raw, bytes) = await MeasurePublishAsync(Path.Combine(root, $"publish-{eventsPerBatch}"), eventsPerBatch, batches);
                var conditions = $"{batches} batches of {eventsPerBatch} change events (~{bytes / (batches * eventsPerBatch)} bytes serialized each), one partition, fsync per batch (LogDurability.FlushToDisk); the peer appends the same payloads length-prefixed to one file with one fsync per batch, alternating batch by batch";
                results.Add(BenchmarkResult.Rate($"publish, {eventsPerBatch} events per batch", ours, raw, "raw append+fsync", "events/s", 0.8, conditions));
            }

            var (read, rawRead, count) = await MeasureReadAsync(Path.Combine(root, "read"), 400_000);
            results.Add(BenchmarkResult.Rate("read and deserialize", read, rawRead, "raw read+deserialize", "events/s", 0.8,
                $"{count} change events in 1 MB batches read from the page cache by one partition reader (frames, CRC-32C, commit markers) vs a sequential read of the length-prefixed file; both deserialize every event; the two alternate 4096 events at a time; best of 3"));

            BenchmarkReport.Print(results);
            BenchmarkReport.Write("transport", "embedded change log vs raw append+fsync of the same bytes", results, BenchmarkReport.MachineDescription(),
                ["Ratio = ours / peer (events per second). The peer is the floor under any durable log (same bytes, same fsyncs, no framing, checksums, markers or index), so about 1.0 is the best possible; the 0.8 target is this benchmark's own bar, the issue sets none. The fsync per batch dominates small batches: about 200 publishes/s per partition on this machine's disk."]);
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<(double Ours, double Raw, long Bytes)> MeasurePublishAsync(string directory, int eventsPerBatch, int batches)
    {
        var log = EmbeddedChangeLog.OpenOrCreate(Path.Combine(directory, "log"), 1);
        await using var publisher = log.OpenPublisher();
        await using var raw = new FileStream(Path.Combine(directory, "raw.bin"), FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var rawBuffer = new byte[EmbeddedChangeLogOptions.OneMegabyte + 4096];
        long ourTicks = 0, rawTicks = 0, bytes = 0, events = 0, offset = 0;
        for (var b = 0; b < batches; b++)
        {
            var changes = Enumerable.Range(0, eventsPerBatch).Select(_ => Change(offset++)).ToList();
            var t0 = Stopwatch.GetTimestamp();
            var batch = publisher.CreateBatch(ChangeBatchOptions.ForPartition(0));
            foreach (var change in changes)
            {
                if (!batch.TryAdd(change))
                {
                    throw new InvalidOperationException($"{eventsPerBatch} events do not fit one batch; lower the benchmark's batch size.");
                }
            }

            await publisher.PublishAsync(batch);
            ourTicks += Stopwatch.GetTimestamp() - t0;

            t0 = Stopwatch.GetTimestamp();
            var used = 0;
            foreach (var change in changes)
            {
                var payload = ChangeEventSerializer.Serialize(change);
                BinaryPrimitives.WriteInt32LittleEndian(rawBuffer.AsSpan(used), payload.Length);
                payload.CopyTo(rawBuffer.AsSpan(used + 4));
                used += 4 + payload.Length;
            }

            raw.Write(rawBuffer, 0, used);
            raw.Flush(flushToDisk: true);
            rawTicks += Stopwatch.GetTimestamp() - t0;
            bytes += used;
            events += eventsPerBatch;
        }

        return (events / Seconds(ourTicks), events / Seconds(rawTicks), bytes);
    }

    private static async Task<(double Ours, double Raw, int Count)> MeasureReadAsync(string directory, int count)
    {
        var log = EmbeddedChangeLog.OpenOrCreate(Path.Combine(directory, "log"), 1, new EmbeddedChangeLogOptions { Durability = LogDurability.OperatingSystemCache });
        var rawPath = Path.Combine(directory, "raw.bin");
        await using (var publisher = log.OpenPublisher())
        await using (var raw = new FileStream(rawPath, FileMode.Create, FileAccess.Write))
        {
            var batch = publisher.CreateBatch(ChangeBatchOptions.ForPartition(0));
            var prefix = new byte[4];
            for (var i = 0; i < count; i++)
            {
                var change = Change(i);
                if (!batch.TryAdd(change))
                {
                    await publisher.PublishAsync(batch);
                    batch = publisher.CreateBatch(ChangeBatchOptions.ForPartition(0));
                    batch.TryAdd(change);
                }

                var payload = ChangeEventSerializer.Serialize(change);
                BinaryPrimitives.WriteInt32LittleEndian(prefix, payload.Length);
                raw.Write(prefix);
                raw.Write(payload);
            }

            await publisher.PublishAsync(batch);
        }

        // Ours and the peer read alternately, a batch's worth each, so both see the same machine load.
        double best = 0, bestRaw = 0;
        for (var round = 0; round < 3; round++)
        {
            long ourTicks = 0, rawTicks = 0, read = 0, rawRead = 0;
            using var reader = log.OpenReader(0, 0);
            using var raw = new RawReader(rawPath);
            while (true)
            {
                var t0 = Stopwatch.GetTimestamp();
                var changes = reader.TryRead(4096);
                ourTicks += Stopwatch.GetTimestamp() - t0;
                read += changes.Count;

                t0 = Stopwatch.GetTimestamp();
                rawRead += raw.Read(4096);
                rawTicks += Stopwatch.GetTimestamp() - t0;
                if (changes.Count == 0)
                {
                    break;
                }
            }

            best = Math.Max(best, Check(read, count) / Seconds(ourTicks));
            bestRaw = Math.Max(bestRaw, Check(rawRead, count) / Seconds(rawTicks));
        }

        return (best, bestRaw, count);
    }

    private static long Check(long read, int expected) =>
        read == expected ? read : throw new InvalidOperationException($"Read {read} change events, expected {expected}.");

    private static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;

    private static ChangeEvent Change(long offset) => new()
    {
        Kind = ChangeKind.Update,
        Database = "shop",
        Table = "orders",
        SchemaVersion = 1,
        Position = new BinlogPosition("mariadb-bin.000042", 4 + (offset * 200)),
        Gtid = "0-1-" + offset,
        CommitTime = DateTimeOffset.UnixEpoch.AddSeconds(1_765_000_000 + (offset / 100)),
        Key = [ChangeValue.FromInt64(offset)],
        Row = [ChangeValue.FromInt64(offset), ChangeValue.FromString("customer " + offset), ChangeValue.FromBinary(new byte[EventPayloadBytes - 60])],
    };

    /// <summary>The peer's reader: length-prefixed payloads read sequentially through a 1 MB buffer and deserialized.</summary>
    private sealed class RawReader(string path) : IDisposable
    {
        private readonly FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20);
        private readonly byte[] prefix = new byte[4];
        private readonly byte[] payload = new byte[64 * 1024];

        public int Read(int max)
        {
            var events = 0;
            while (events < max && stream.Read(prefix) == 4)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(prefix);
                stream.ReadExactly(payload, 0, length);
                _ = ChangeEventSerializer.Deserialize(payload.AsSpan(0, length));
                events++;
            }

            return events;
        }

        public void Dispose() => stream.Dispose();
    }
}
