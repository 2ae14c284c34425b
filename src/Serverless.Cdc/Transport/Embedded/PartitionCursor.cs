using Microsoft.Win32.SafeHandles;
using Serverless.Cdc.Capture;

namespace Serverless.Cdc.Transport.Embedded;

/// <summary>
/// Reads a partition's committed records in sequence order straight from its segment files, so a reader needs no
/// publisher in its process. It hands out a batch once the batch's commit marker is in the file; frames after the last
/// marker of the newest segment are a publish in progress (or a torn tail the publisher cuts off when it opens) and are
/// left for a later read. A bad frame anywhere else is <see cref="CorruptChangeLogException"/>.
/// </summary>
internal sealed class PartitionCursor(string partitionDirectory, int partition, int maxBatchBytes, long fromSequence, bool decode = true)
{
    private readonly Queue<CommittedRecord> ready = new();
    private byte[]? buffer;
    private long segmentBase = -1;
    private long offset;
    private long expected;

    // The first sequence number not yet queued: rescans (after a segment change or retention) never queue one twice.
    private long nextToQueue = fromSequence;

    /// <summary>The sequence number the next record handed out has.</summary>
    public long NextSequence { get; private set; } = fromSequence;

    public int Partition => partition;

    public void Read(List<CommittedRecord> into, int max)
    {
        Drain(into, max);
        if (into.Count >= max)
        {
            return;
        }

        if (segmentBase < 0 && !Position())
        {
            return;
        }

        while (ScanSegment(max - into.Count))
        {
        }

        Drain(into, max);
    }

    /// <summary>The last committed sequence number of the partition (-1 when nothing was published).</summary>
    public static long LastCommittedSequence(string partitionDirectory, int partition, int maxBatchBytes)
    {
        var bases = SegmentFiles.ListBases(partitionDirectory);
        if (bases.Count == 0)
        {
            return -1;
        }

        var newest = bases[^1];
        var cursor = new PartitionCursor(partitionDirectory, partition, maxBatchBytes, newest, decode: false);
        var hint = SegmentIndex.Find(SegmentFiles.IndexPath(SegmentFiles.SegmentPath(partitionDirectory, newest)), long.MaxValue);
        cursor.SeekIn(newest, hint);
        var last = newest - 1;
        var records = new List<CommittedRecord>();
        do
        {
            records.Clear();
            cursor.Read(records, 4096);
            if (records.Count > 0)
            {
                last = records[^1].Sequence;
            }
        }
        while (records.Count > 0);

        return last;
    }

    private void Drain(List<CommittedRecord> into, int max)
    {
        while (into.Count < max && ready.TryDequeue(out var record))
        {
            into.Add(record);
            NextSequence = record.Sequence + 1;
        }
    }

    private bool Position()
    {
        var bases = SegmentFiles.ListBases(partitionDirectory);
        if (bases.Count == 0)
        {
            return false;
        }

        if (NextSequence < bases[0])
        {
            throw new SequenceTrimmedException(partition, NextSequence, bases[0]);
        }

        var b = bases.FindLast(x => x <= NextSequence);
        SeekIn(b, SegmentIndex.Find(SegmentFiles.IndexPath(SegmentFiles.SegmentPath(partitionDirectory, b)), NextSequence));
        return true;
    }

    private void SeekIn(long baseSequence, (long Sequence, long Offset)? hint)
    {
        segmentBase = baseSequence;
        offset = SegmentFormat.FileHeaderBytes;
        expected = baseSequence;
        if (hint is not { } entry || entry.Offset < SegmentFormat.FileHeaderBytes)
        {
            return;
        }

        // The index is a hint: use the entry only when the frame it points to is the record it names.
        using var handle = OpenSegment(baseSequence);
        if (handle is null)
        {
            return;
        }

        var reader = new FrameReader(handle, entry.Offset, maxBatchBytes);
        if (reader.Next(out var frame, out _) == FrameStatus.Record && frame.Sequence == entry.Sequence)
        {
            offset = entry.Offset;
            expected = entry.Sequence;
        }
    }

    /// <summary>Scans the current segment from the last commit; true when it moved to the next segment and should go on.</summary>
    private bool ScanSegment(int wanted)
    {
        var path = SegmentFiles.SegmentPath(partitionDirectory, segmentBase);
        using var handle = OpenSegment(segmentBase);
        if (handle is null)
        {
            // Retention removed the segment: fine if everything wanted from it was read already, else it is trimmed.
            var bases = SegmentFiles.ListBases(partitionDirectory);
            if (bases.Count > 0 && nextToQueue >= bases[0])
            {
                var b = bases.FindLast(x => x <= nextToQueue);
                SeekIn(b, SegmentIndex.Find(SegmentFiles.IndexPath(SegmentFiles.SegmentPath(partitionDirectory, b)), nextToQueue));
                return true;
            }

            throw new SequenceTrimmedException(partition, nextToQueue, bases.Count > 0 ? bases[0] : nextToQueue);
        }

        if (offset == SegmentFormat.FileHeaderBytes && !HasMagic(handle))
        {
            return false; // a segment being created: its header is not there yet
        }

        buffer ??= new byte[FrameReader.BufferBytes(maxBatchBytes)];
        var reader = new FrameReader(handle, offset, maxBatchBytes, buffer);
        var pending = new List<CommittedRecord>();
        var pendingExpected = expected;
        while (ready.Count < wanted)
        {
            var status = reader.Next(out var frame, out var payload);
            switch (status)
            {
                case FrameStatus.Record:
                    if (frame.Sequence != pendingExpected)
                    {
                        throw new CorruptChangeLogException(path, reader.Offset - frame.TotalLength, $"sequence number {frame.Sequence} where {pendingExpected} was expected");
                    }

                    pending.Add(new CommittedRecord(frame.Sequence, frame.TimeMilliseconds, decode && frame.Sequence >= nextToQueue ? ChangeEventSerializer.Deserialize(payload.Span) : null));
                    pendingExpected++;
                    continue;
                case FrameStatus.Marker:
                    Commit(pending, reader.Offset, pendingExpected);
                    continue;
                case FrameStatus.End or FrameStatus.Incomplete or FrameStatus.Bad:
                    var newer = SegmentFiles.ListBases(partitionDirectory).Find(b => b > segmentBase);
                    if (newer > 0 && RandomAccess.GetLength(handle) != reader.FileLength)
                    {
                        return true; // the publisher finished this segment after the scan began: scan it again to its final end
                    }

                    if (status == FrameStatus.Bad && (newer > 0 || reader.FileLength - reader.Offset > maxBatchBytes + (2L * SegmentFormat.RecordHeaderBytes)))
                    {
                        throw new CorruptChangeLogException(path, reader.Offset, frame.Problem!);
                    }

                    if (status == FrameStatus.Incomplete && newer > 0)
                    {
                        throw new CorruptChangeLogException(path, reader.Offset, "the closed segment ends inside a frame");
                    }

                    if (newer == 0 || status != FrameStatus.End)
                    {
                        return false; // the newest segment: what follows the last marker is still being written
                    }

                    // A closed segment was made durable before the next one was created: everything in it is committed.
                    Commit(pending, reader.Offset, pendingExpected);
                    segmentBase = newer;
                    offset = SegmentFormat.FileHeaderBytes;
                    if (expected != newer)
                    {
                        throw new CorruptChangeLogException(SegmentFiles.SegmentPath(partitionDirectory, newer), 0, $"the segment starts at sequence {newer}, but the one before ends at {expected - 1}");
                    }

                    return true;
            }
        }

        return false;
    }

    private void Commit(List<CommittedRecord> pending, long committedOffset, long nextExpected)
    {
        foreach (var record in pending)
        {
            if (record.Sequence >= nextToQueue)
            {
                ready.Enqueue(record);
                nextToQueue = record.Sequence + 1;
            }
        }

        pending.Clear();
        offset = committedOffset;
        expected = nextExpected;
    }

    private SafeFileHandle? OpenSegment(long baseSequence)
    {
        try
        {
            return File.OpenHandle(SegmentFiles.SegmentPath(partitionDirectory, baseSequence), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private static bool HasMagic(SafeFileHandle handle)
    {
        Span<byte> magic = stackalloc byte[SegmentFormat.FileHeaderBytes];
        return RandomAccess.Read(handle, magic, 0) == magic.Length && magic.SequenceEqual(SegmentFormat.Magic);
    }
}
