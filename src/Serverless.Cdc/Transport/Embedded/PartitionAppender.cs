using Microsoft.Extensions.Logging;

namespace Serverless.Cdc.Transport.Embedded;

/// <summary>
/// The publisher's side of one partition: appends batches to the active segment, rolls segments, and on open repairs
/// the active segment after a crash (cuts off a torn tail, makes the surviving records durable and commits them).
/// </summary>
internal sealed partial class PartitionAppender : IDisposable
{
    private readonly string directory;
    private readonly int partition;
    private readonly int maxBatchBytes;
    private readonly EmbeddedChangeLogOptions options;
    private readonly RetentionHolds holds;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly byte[] writeBuffer = new byte[SegmentFormat.RecordHeaderBytes];
    private FileStream segment = null!;
    private FileStream index = null!;
    private long length;
    private long lastIndexedOffset;
    private Exception? failure;

    private PartitionAppender(string directory, int partition, int maxBatchBytes, EmbeddedChangeLogOptions options, RetentionHolds holds)
    {
        this.holds = holds;
        this.directory = directory;
        this.partition = partition;
        this.maxBatchBytes = maxBatchBytes;
        this.options = options;
        Signal = AppendSignal.For(directory);
    }

    public long NextSequence { get; private set; }

    public long ActiveSegmentBase { get; private set; }

    public AppendSignal Signal { get; }

    public static PartitionAppender Open(string directory, int partition, int maxBatchBytes, EmbeddedChangeLogOptions options, RetentionHolds holds)
    {
        var appender = new PartitionAppender(directory, partition, maxBatchBytes, options, holds);
        Directory.CreateDirectory(directory);
        var bases = SegmentFiles.ListBases(directory);
        if (bases.Count == 0)
        {
            appender.CreateSegment(0);
        }
        else
        {
            appender.Recover(bases[^1]);
        }

        return appender;
    }

    public async ValueTask<PublishReceipt> AppendAsync(ChangeBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            throw new ArgumentException("The batch is empty; add changes with TryAdd before publishing it.", nameof(batch));
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (failure is not null)
            {
                throw new IOException($"An earlier write to partition {partition} of the change log failed ({failure.Message}); open the log again to repair it.", failure);
            }

            // Past this point the batch is written whatever the token says: a half-written batch helps nobody.
            try
            {
                return Append(batch);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failure = e;
                throw;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask<IReadOnlyList<long>> ApplyRetentionAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return ApplyRetention();
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose()
    {
        segment?.Dispose();
        index?.Dispose();
        gate.Dispose();
    }

    private PublishReceipt Append(ChangeBatch batch)
    {
        var bytes = batch.SizeInBytes + SegmentFormat.RecordHeaderBytes;
        if (length > SegmentFormat.FileHeaderBytes && length + bytes > options.SegmentBytes)
        {
            Roll();
        }

        var now = options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var first = NextSequence;
        for (var i = 0; i < batch.Count; i++)
        {
            SegmentFormat.WriteHeader(batch.Frame(i), first + i, now, batch.Payload(i).Span);
        }

        var batchStart = length;
        var framed = batch.Framed.Span;
        segment.Write(framed);
        if (options.Durability == LogDurability.FlushToDisk)
        {
            segment.Flush(flushToDisk: true);
        }

        // The marker goes after the fsync: readers hand out the batch only once it cannot be lost any more.
        var marker = SegmentFormat.WriteMarker(writeBuffer, first + batch.Count - 1, now);
        segment.Write(writeBuffer, 0, marker);
        length += framed.Length + marker;
        NextSequence += batch.Count;
        if (batchStart - lastIndexedOffset >= options.IndexIntervalBytes)
        {
            WriteIndexEntry(first, batchStart);
        }

        Signal.Notify();
        return new PublishReceipt(partition, first, batch.Count);
    }

    private void Roll()
    {
        // The closed segment (with its last marker) is made durable before the next exists, so a reader that finds a
        // newer segment may take everything in the older one as committed.
        segment.Flush(flushToDisk: true);
        segment.Dispose();
        index.Dispose();
        CreateSegment(NextSequence);
        var removed = ApplyRetention();
        LogRolled(options.Logger, partition, NextSequence, removed.Count);
    }

    private IReadOnlyList<long> ApplyRetention() =>
        SegmentRetention.Apply(directory, options.Retention, holds.Lowest(partition), options.TimeProvider.GetUtcNow());

    private void CreateSegment(long baseSequence)
    {
        var path = SegmentFiles.SegmentPath(directory, baseSequence);
        segment = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        segment.Write(SegmentFormat.Magic);
        segment.Flush(flushToDisk: true);
        index = new FileStream(SegmentFiles.IndexPath(path), FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        ActiveSegmentBase = baseSequence;
        NextSequence = baseSequence;
        length = SegmentFormat.FileHeaderBytes;
        lastIndexedOffset = long.MinValue / 2;
    }

    private void Recover(long baseSequence)
    {
        var path = SegmentFiles.SegmentPath(directory, baseSequence);
        segment = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        ActiveSegmentBase = baseSequence;
        if (segment.Length < SegmentFormat.FileHeaderBytes)
        {
            // Torn while being created: nothing was ever acknowledged in it.
            segment.SetLength(0);
            segment.Write(SegmentFormat.Magic);
            segment.Flush(flushToDisk: true);
        }
        else
        {
            Span<byte> magic = stackalloc byte[SegmentFormat.FileHeaderBytes];
            segment.ReadExactly(magic);
            if (!magic.SequenceEqual(SegmentFormat.Magic))
            {
                throw new CorruptChangeLogException(path, 0, "the file does not start with the segment header 'SCDCLOG1'");
            }
        }

        var reader = new FrameReader(segment.SafeFileHandle, SegmentFormat.FileHeaderBytes, maxBatchBytes);
        var entries = new List<(long Sequence, long Offset)>();
        var expected = baseSequence;
        var unmarked = false;
        var indexed = long.MinValue / 2;
        while (true)
        {
            var at = reader.Offset;
            var status = reader.Next(out var frame, out _);
            if (status == FrameStatus.Record)
            {
                if (frame.Sequence != expected)
                {
                    throw new CorruptChangeLogException(path, at, $"sequence number {frame.Sequence} where {expected} was expected");
                }

                if (!unmarked && at - indexed >= options.IndexIntervalBytes)
                {
                    entries.Add((frame.Sequence, at));
                    indexed = at;
                }

                expected++;
                unmarked = true;
                continue;
            }

            if (status == FrameStatus.Marker)
            {
                unmarked = false;
                continue;
            }

            if (status == FrameStatus.End)
            {
                break;
            }

            // Incomplete or bad: a torn tail when it is within the last unacknowledged batch, damage otherwise.
            var tail = reader.FileLength - at;
            if (status == FrameStatus.Bad && tail > maxBatchBytes + (2L * SegmentFormat.RecordHeaderBytes))
            {
                throw new CorruptChangeLogException(path, at, frame.Problem!);
            }

            LogTornTail(options.Logger, partition, path, at, tail);
            segment.SetLength(at);
            break;
        }

        length = segment.Length;
        segment.Position = length;
        NextSequence = expected;
        if (unmarked)
        {
            // Records that survived without their marker: make them durable, then commit them.
            segment.Flush(flushToDisk: true);
            var marker = SegmentFormat.WriteMarker(writeBuffer, expected - 1, options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds());
            segment.Write(writeBuffer, 0, marker);
            segment.Flush(flushToDisk: true);
            length += marker;
        }

        index = new FileStream(SegmentFiles.IndexPath(path), FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        lastIndexedOffset = long.MinValue / 2;
        foreach (var (sequence, offset) in entries)
        {
            WriteIndexEntry(sequence, offset);
        }
    }

    private void WriteIndexEntry(long sequence, long offset)
    {
        Span<byte> entry = stackalloc byte[SegmentIndex.EntryBytes];
        SegmentIndex.Encode(entry, sequence, offset);
        index.Write(entry);
        lastIndexedOffset = offset;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Change log partition {Partition}: cut off a torn tail of {Bytes} bytes at offset {Offset} of {Path} (an unacknowledged publish interrupted by a crash)")]
    private static partial void LogTornTail(ILogger logger, int partition, string path, long offset, long bytes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Change log partition {Partition}: new segment from sequence {Sequence}; retention removed {Removed} segments")]
    private static partial void LogRolled(ILogger logger, int partition, long sequence, int removed);
}
