using Serverless.Cdc.Capture;
using Serverless.Cdc.Transport;
using Serverless.Cdc.Transport.Embedded;
using Serverless.Testing;

namespace Serverless.Cdc.Tests.Transport;

public sealed class EmbeddedChangeLogTests
{
    private static readonly EmbeddedChangeLogOptions SmallSegments = new() { SegmentBytes = 8 * 1024, IndexIntervalBytes = 512, MaxBatchBytes = 4096 };

    [Fact]
    public async Task ChangesOfOneKeyArriveInPublishOrderAcrossManyPublishes()
    {
        using var folder = new TempDirectory("changelog-order");
        var log = EmbeddedChangeLog.OpenOrCreate(folder.Path, 4, SmallSegments);
        var published = new List<ChangeEvent>();
        await using (var publisher = log.OpenPublisher())
        {
            var offset = 1000L;
            for (var round = 0; round < 60; round++)
            {
                // Three tables; "hot" is spread over 3 slots; each batch is one partition key's changes.
                foreach (var (table, spread) in new[] { ("orders", 1), ("customers", 1), ("hot", 3) })
                {
                    var changes = Enumerable.Range(0, 7).Select(i => TestChanges.Row(table, (round * 3 + i) % 11, offset++)).ToList();
                    foreach (var group in changes.GroupBy(c => PartitionKeys.ForChange(c, spread)))
                    {
                        await publisher.PublishAsync(TestChanges.Batch(publisher, group.Key, group));
                        published.AddRange(group);
                    }
                }
            }
        }

        var read = Enumerable.Range(0, log.PartitionCount).SelectMany(p => TestChanges.ReadAll(log, p)).ToList();

        Assert.Equal(published.Count, read.Count);
        foreach (var rowChanges in read.GroupBy(r => (r.Change.Table, r.Change.Key[0].GetInt64())))
        {
            Assert.Single(rowChanges.Select(r => r.Partition).Distinct());
            var inLogOrder = rowChanges.OrderBy(r => r.SequenceNumber).Select(r => r.Change.Position.SortKey).ToList();
            var inPublishOrder = published.Where(c => c.Table == rowChanges.Key.Table && c.Key[0].GetInt64() == rowChanges.Key.Item2).Select(c => c.Position.SortKey).ToList();
            Assert.Equal(inPublishOrder, inLogOrder);
        }
    }

    [Fact]
    public async Task SequenceNumbersAreContiguousPerPartitionAndReceiptsNameThem()
    {
        using var folder = new TempDirectory("changelog-seq");
        var log = EmbeddedChangeLog.OpenOrCreate(folder.Path, 3, SmallSegments);
        var receipts = new List<PublishReceipt>();
        await using (var publisher = log.OpenPublisher())
        {
            for (var i = 0; i < 90; i++)
            {
                var batch = publisher.CreateBatch(ChangeBatchOptions.ForPartition(i % 3));
                for (var n = 0; n <= i % 5; n++)
                {
                    Assert.True(batch.TryAdd(TestChanges.Row("t", i, (i * 10) + n)));
                }

                receipts.Add(await publisher.PublishAsync(batch));
            }
        }

        for (var p = 0; p < 3; p++)
        {
            var read = TestChanges.ReadAll(log, p);
            Assert.Equal(Enumerable.Range(0, read.Count).Select(i => (long)i), read.Select(r => r.SequenceNumber));
            var fromReceipts = receipts.Where(r => r.Partition == p).SelectMany(r => Enumerable.Range(0, r.Count).Select(i => r.FirstSequenceNumber + i));
            Assert.Equal(read.Select(r => r.SequenceNumber), fromReceipts);
            Assert.True(SegmentFiles.ListBases(SegmentFiles.PartitionDirectory(folder.Path, p)).Count > 1, "The test should span several segments.");
            Assert.Equal(new PartitionProperties(p, 0, read.Count - 1), await log.GetPartitionPropertiesAsync(p));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(23)]
    [InlineData(24)]
    [InlineData(25)]
    [InlineData(300)]
    [InlineData(-1)]
    public async Task ReopenAfterATornTailKeepsEveryAcknowledgedBatch(int bytesCut)
    {
        using var folder = new TempDirectory("changelog-torn");
        var log = EmbeddedChangeLog.OpenOrCreate(folder.Path, 1, SmallSegments);
        var acknowledged = new List<long>();
        await using (var publisher = log.OpenPublisher())
        {
            for (var i = 0; i < 40; i++)
            {
                var receipt = await publisher.PublishAsync(TestChanges.Batch(publisher, "k", [TestChanges.Row("t", i, i * 2), TestChanges.Row("t", i, (i * 2) + 1)]));
                acknowledged.AddRange(Enumerable.Range(0, receipt.Count).Select(n => receipt.FirstSequenceNumber + n));
            }
        }

        // The crash: a publish that was never acknowledged, torn part-way (its marker never written), or garbage at the end.
        var segment = SegmentFiles.SegmentPath(SegmentFiles.PartitionDirectory(folder.Path, 0), SegmentFiles.ListBases(SegmentFiles.PartitionDirectory(folder.Path, 0))[^1]);
        var torn = TornBatch(acknowledged[^1] + 1, records: 5);
        await using (var file = new FileStream(segment, FileMode.Append))
        {
            if (bytesCut < 0)
            {
                file.Write(new byte[] { 0xDE, 0xAD, 0xBE, 0xEF, 0, 0, 0, 0, 1, 2, 3 });
            }
            else
            {
                file.Write(torn.AsSpan(0, torn.Length - bytesCut));
            }
        }

        // Before the repair a reader hands out only committed batches, so it never sees the torn one.
        Assert.Equal(acknowledged, TestChanges.ReadAll(log, 0).Select(r => r.SequenceNumber));

        await using (var reopened = log.OpenPublisher())
        {
            var next = reopened.NextSequenceNumber(0);
            Assert.InRange(next, acknowledged[^1] + 1, acknowledged[^1] + 6);
            var receipt = await reopened.PublishAsync(TestChanges.Batch(reopened, "k", [TestChanges.Row("t", 99, 10_000)]));
            Assert.Equal(next, receipt.FirstSequenceNumber);
        }

        var after = TestChanges.ReadAll(log, 0);
        Assert.Equal(Enumerable.Range(0, after.Count).Select(i => (long)i), after.Select(r => r.SequenceNumber));
        Assert.Subset(after.Select(r => r.SequenceNumber).ToHashSet(), acknowledged.ToHashSet());
        Assert.Equal(10_000, after[^1].Change.Position.EventOffset);
    }

    [Fact]
    public async Task ACorruptRecordInTheMiddleIsANamedErrorWithFileAndOffset()
    {
        using var folder = new TempDirectory("changelog-corrupt");
        var log = EmbeddedChangeLog.OpenOrCreate(folder.Path, 1, new EmbeddedChangeLogOptions { MaxBatchBytes = 4096 });
        await using (var publisher = log.OpenPublisher())
        {
            for (var i = 0; i < 100; i++)
            {
                await publisher.PublishAsync(TestChanges.Batch(publisher, "k", [TestChanges.Row("t", i, i, payloadBytes: 200)]));
            }
        }

        var segment = SegmentFiles.SegmentPath(SegmentFiles.PartitionDirectory(folder.Path, 0), 0);
        var bytes = await File.ReadAllBytesAsync(segment);
        var damagedAt = FrameStart(bytes, index: 20);
        bytes[damagedAt + SegmentFormat.RecordHeaderBytes + 100] ^= 0x40;
        await File.WriteAllBytesAsync(segment, bytes);

        var fromReader = Assert.Throws<CorruptChangeLogException>(() => TestChanges.ReadAll(log, 0));
        var fromPublisher = Assert.Throws<CorruptChangeLogException>(() => log.OpenPublisher());

        foreach (var e in new[] { fromReader, fromPublisher })
        {
            Assert.Equal(segment, e.FilePath);
            Assert.Equal(damagedAt, e.Offset);
            Assert.Contains("CRC-32", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AReaderOfAnotherInstanceSeesAppendsAndItsWaitEndsOnAppend()
    {
        using var folder = new TempDirectory("changelog-wait");
        var writerSide = EmbeddedChangeLog.OpenOrCreate(folder.Path, 2);
        var readerSide = EmbeddedChangeLog.Open(folder.Path, new EmbeddedChangeLogOptions { CrossProcessPollInterval = TimeSpan.FromHours(1) });
        await using var publisher = writerSide.OpenPublisher();
        using var reader = readerSide.OpenReader(1, 0);

        var waiting = reader.ReadAsync(10).AsTask();
        Assert.False(waiting.IsCompleted);
        var batch = publisher.CreateBatch(ChangeBatchOptions.ForPartition(1));
        Assert.True(batch.TryAdd(TestChanges.Row("t", 1, 100)));
        await publisher.PublishAsync(batch);

        // The poll interval is an hour: only the append can end this wait.
        var got = await waiting.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(0, Assert.Single(got).SequenceNumber);
        Assert.Equal(1, reader.NextSequenceNumber);
    }

    [Fact]
    public async Task AWaitingReadIsCancelled()
    {
        using var folder = new TempDirectory("changelog-cancel");
        var log = EmbeddedChangeLog.OpenOrCreate(folder.Path, 1);
        using var reader = log.OpenReader(0, 0);
        using var cancel = new CancellationTokenSource();

        var waiting = reader.ReadAsync(10, cancel.Token).AsTask();
        Assert.False(waiting.IsCompleted);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task RetentionRemovesOldSegmentsOnlyWhenNoHoldNeedsThem()
    {
        using var folder = new TempDirectory("changelog-retention");
        var options = SmallSegments with { Retention = new RetentionPolicy { MaxBytesPerPartition = 1 } };
        var log = EmbeddedChangeLog.OpenOrCreate(folder.Path, 1, options);
        var partitionDirectory = SegmentFiles.PartitionDirectory(folder.Path, 0);
        await log.SetRetentionHoldAsync("writer-0", 0, 0);
        await using var publisher = log.OpenPublisher();
        for (var i = 0; i < 200; i++)
        {
            await publisher.PublishAsync(TestChanges.Batch(publisher, "k", [TestChanges.Row("t", i, i, payloadBytes: 100)]));
        }

        // Segments rolled many times under a 1-byte limit, but the hold at 0 kept every one.
        var bases = SegmentFiles.ListBases(partitionDirectory);
        Assert.True(bases.Count > 4);
        Assert.Equal(0, bases[0]);
        Assert.Equal(200, TestChanges.ReadAll(log, 0).Count);

        // The writer moves on past the third segment: everything before the segment holding its next sequence goes.
        var need = bases[3] + 1;
        await log.SetRetentionHoldAsync("writer-0", 0, need);
        await log.SetRetentionHoldAsync("writer-slow", 0, bases[2]);
        Assert.Equal([bases[0], bases[1]], (await publisher.ApplyRetentionAsync())[0]);
        await log.RemoveRetentionHoldAsync("writer-slow", 0);
        Assert.Equal([bases[2]], (await publisher.ApplyRetentionAsync())[0]);

        Assert.Equal(bases[3], SegmentFiles.ListBases(partitionDirectory)[0]);
        Assert.Equal(200 - bases[3], TestChanges.ReadAll(log, 0, from: bases[3]).Count);
        Assert.Equal(new PartitionProperties(0, bases[3], 199), await log.GetPartitionPropertiesAsync(0));
        var trimmed = Assert.Throws<SequenceTrimmedException>(() => TestChanges.ReadAll(log, 0, from: need - 2 - (bases[3] - bases[2])));
        Assert.Equal(bases[3], trimmed.BeginningSequenceNumber);

        // Without holds, the policy alone decides: everything but the active segment goes.
        await log.RemoveRetentionHoldAsync("writer-0", 0);
        await publisher.ApplyRetentionAsync();
        Assert.Equal([bases[^1]], SegmentFiles.ListBases(partitionDirectory));
    }

    [Fact]
    public async Task AReaderThatFinishedASegmentReadsOnAfterRetentionRemovesIt()
    {
        using var folder = new TempDirectory("changelog-retention-reader");
        var log = EmbeddedChangeLog.OpenOrCreate(folder.Path, 1, SmallSegments with { Retention = new RetentionPolicy { MaxBytesPerPartition = 1 } });
        var partitionDirectory = SegmentFiles.PartitionDirectory(folder.Path, 0);
        await using var publisher = log.OpenPublisher();
        using var reader = log.OpenReader(0, 0);
        await publisher.PublishAsync(TestChanges.Batch(publisher, "k", [TestChanges.Row("t", 0, 0, payloadBytes: 100)]));
        Assert.Single(reader.TryRead(100));
        var first = SegmentFiles.ListBases(partitionDirectory);

        // The reader keeps up until the segment it stands in rolls and retention removes it; the change that caused
        // the roll is in the new segment, unread.
        var published = 1;
        while (true)
        {
            await publisher.PublishAsync(TestChanges.Batch(publisher, "k", [TestChanges.Row("t", published, published, payloadBytes: 100)]));
            published++;
            if (!SegmentFiles.ListBases(partitionDirectory).SequenceEqual(first))
            {
                break;
            }

            Assert.Single(reader.TryRead(100));
        }

        Assert.DoesNotContain(first[0], SegmentFiles.ListBases(partitionDirectory));
        var rest = reader.TryRead(100);

        Assert.Equal(published - 1, Assert.Single(rest).SequenceNumber);
    }

    [Fact]
    public async Task RetentionByAgeRemovesOnlySegmentsOlderThanTheLimit()
    {
        using var folder = new TempDirectory("changelog-age");
        var clock = new SettableTime(DateTimeOffset.UtcNow);
        var log = EmbeddedChangeLog.OpenOrCreate(folder.Path, 1, SmallSegments with { TimeProvider = clock, Retention = new RetentionPolicy { MaxAge = TimeSpan.FromDays(1) } });
        await using var publisher = log.OpenPublisher();
        for (var i = 0; i < 100; i++)
        {
            await publisher.PublishAsync(TestChanges.Batch(publisher, "k", [TestChanges.Row("t", i, i, payloadBytes: 100)]));
        }

        var before = SegmentFiles.ListBases(SegmentFiles.PartitionDirectory(folder.Path, 0));
        Assert.All(await publisher.ApplyRetentionAsync(), Assert.Empty);

        clock.Now += TimeSpan.FromDays(2);
        var removed = (await publisher.ApplyRetentionAsync())[0];

        Assert.Equal(before.SkipLast(1), removed);
    }

    [Fact]
    public async Task ASingleOversizeEventIsRefusedWithANamedErrorAndAFullBatchSaysSo()
    {
        using var folder = new TempDirectory("changelog-size");
        var log = EmbeddedChangeLog.OpenOrCreate(folder.Path, 1);
        await using var publisher = log.OpenPublisher();
        var batch = publisher.CreateBatch(ChangeBatchOptions.ForKey("shop.blobs"));

        var e = Assert.Throws<ChangeEventTooLargeException>(() => batch.TryAdd(TestChanges.Row("blobs", 1, 77, payloadBytes: 1024 * 1024)));
        Assert.Contains("shop.blobs", e.Message, StringComparison.Ordinal);
        Assert.Contains("1048576", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, batch.Count);

        var added = 0;
        while (batch.TryAdd(TestChanges.Row("blobs", added, added, payloadBytes: 100 * 1024)))
        {
            added++;
        }

        Assert.Equal(10, added);
        Assert.InRange(batch.SizeInBytes, 10 * 100 * 1024, EmbeddedChangeLogOptions.OneMegabyte);
        Assert.Equal(10, (await publisher.PublishAsync(batch)).Count);

        // A published batch is spent: publishing it again would duplicate it under new sequence numbers.
        Assert.Throws<InvalidOperationException>(() => publisher.PublishAsync(batch));
        Assert.Throws<InvalidOperationException>(() => batch.TryAdd(TestChanges.Row("blobs", 0, 0)));
    }

    [Fact]
    public async Task AConcurrentReaderGetsEveryChangeInOrderWhilePublishesRun()
    {
        using var folder = new TempDirectory("changelog-concurrent");
        var log = EmbeddedChangeLog.OpenOrCreate(folder.Path, 1, SmallSegments);
        const int Batches = 300;
        await using var publisher = log.OpenPublisher();
        using var reader = EmbeddedChangeLog.Open(folder.Path).OpenReader(0, 0);

        var reading = Task.Run(async () =>
        {
            var got = new List<ReceivedChange>();
            while (got.Count < Batches * 3)
            {
                got.AddRange(await reader.ReadAsync(50));
            }

            return got;
        });
        var publishing = Task.Run(async () =>
        {
            for (var i = 0; i < Batches; i++)
            {
                await publisher.PublishAsync(TestChanges.Batch(publisher, "k", Enumerable.Range(0, 3).Select(n => TestChanges.Row("t", i, (i * 3) + n))));
            }
        });

        await publishing.WaitAsync(TimeSpan.FromMinutes(2));
        var read = await reading.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(Enumerable.Range(0, Batches * 3).Select(i => (long)i), read.Select(r => r.SequenceNumber));
        Assert.Equal(Enumerable.Range(0, Batches * 3).Select(i => (long)i), read.Select(r => r.Change.Position.EventOffset));
    }

    [Fact]
    public async Task ReadingFromAnySequenceStartsExactlyThereWithOrWithoutTheIndex()
    {
        using var folder = new TempDirectory("changelog-seek");
        var log = EmbeddedChangeLog.OpenOrCreate(folder.Path, 1, SmallSegments);
        await using (var publisher = log.OpenPublisher())
        {
            for (var i = 0; i < 150; i++)
            {
                await publisher.PublishAsync(TestChanges.Batch(publisher, "k", [TestChanges.Row("t", i, 2 * i), TestChanges.Row("t", i, (2 * i) + 1)]));
            }
        }

        var partitionDirectory = SegmentFiles.PartitionDirectory(folder.Path, 0);
        foreach (var from in new long[] { 0, 1, 7, 99, 100, 101, 250, 299 })
        {
            Assert.Equal(from, Assert.Single(ReadOne(log, from)).SequenceNumber);
        }

        // A damaged or missing index only costs a scan.
        foreach (var b in SegmentFiles.ListBases(partitionDirectory))
        {
            var index = SegmentFiles.IndexPath(SegmentFiles.SegmentPath(partitionDirectory, b));
            if (b % 2 == 0)
            {
                File.Delete(index);
            }
            else
            {
                await File.WriteAllBytesAsync(index, [.. Enumerable.Repeat((byte)7, 32)]);
            }
        }

        foreach (var from in new long[] { 0, 1, 7, 99, 100, 101, 250, 299 })
        {
            Assert.Equal(from, Assert.Single(ReadOne(log, from)).SequenceNumber);
        }

        static IReadOnlyList<ReceivedChange> ReadOne(EmbeddedChangeLog log, long from)
        {
            using var reader = log.OpenReader(0, from);
            return reader.TryRead(1);
        }
    }

    [Fact]
    public async Task ThePartitionCountIsFixedAtCreationAndAOneSecondPublisherIsRefused()
    {
        using var folder = new TempDirectory("changelog-config");
        var log = EmbeddedChangeLog.OpenOrCreate(folder.Path, 4);

        var count = Assert.Throws<ChangeLogConfigurationException>(() => EmbeddedChangeLog.OpenOrCreate(folder.Path, 8));
        Assert.Contains("4 partitions", count.Message, StringComparison.Ordinal);
        Assert.Equal(4, EmbeddedChangeLog.Open(folder.Path).PartitionCount);
        Assert.Throws<ChangeLogConfigurationException>(() => EmbeddedChangeLog.Open(Path.Combine(folder.Path, "nowhere")));

        await using (log.OpenPublisher())
        {
            Assert.Throws<ChangeLogInUseException>(() => log.OpenPublisher());
        }

        await using var again = log.OpenPublisher();
        Assert.Equal(4, again.PartitionCount);
    }

    private static int FrameStart(byte[] segment, int index)
    {
        var at = SegmentFormat.FileHeaderBytes;
        for (var i = 0; i < index; i++)
        {
            Assert.NotEqual(FrameStatus.Bad, SegmentFormat.Parse(segment.AsSpan(at), 1 << 20, out var frame));
            at += frame.TotalLength;
        }

        Assert.Equal(FrameStatus.Record, SegmentFormat.Parse(segment.AsSpan(at), 1 << 20, out _));
        return at;
    }

    /// <summary>The bytes a publish of <paramref name="records"/> records from <paramref name="first"/> writes, marker included.</summary>
    private static byte[] TornBatch(long first, int records)
    {
        var payload = ChangeEventSerializer.Serialize(TestChanges.Row("t", 500, 50_000));
        var bytes = new byte[(records * (SegmentFormat.RecordHeaderBytes + payload.Length)) + SegmentFormat.RecordHeaderBytes];
        var used = 0;
        for (var i = 0; i < records; i++)
        {
            used += SegmentFormat.WriteRecord(bytes.AsSpan(used), first + i, 0, payload);
        }

        SegmentFormat.WriteMarker(bytes.AsSpan(used), first + records - 1, 0);
        return bytes;
    }

    private sealed class SettableTime(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
