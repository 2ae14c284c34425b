using System.Buffers.Binary;

namespace Serverless.Cdc.Transport.Embedded;

/// <summary>
/// A segment's sparse index: 16-byte entries (i64 sequence number of a batch's first record, i64 its file offset),
/// ascending, one at most every <see cref="EmbeddedChangeLogOptions.IndexIntervalBytes"/>. It is a hint, not a source
/// of truth: it is written without fsync, a reader checks the frame an entry points to, and the publisher rebuilds
/// the active segment's index when it opens.
/// </summary>
internal static class SegmentIndex
{
    public const int EntryBytes = 16;

    public static void Encode(Span<byte> destination, long sequence, long offset)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, sequence);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], offset);
    }

    /// <summary>The last entry at or before <paramref name="sequence"/>, or null when there is none (or no index).</summary>
    public static (long Sequence, long Offset)? Find(string indexPath, long sequence)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(indexPath);
        }
        catch (IOException)
        {
            // Missing, or shrinking under the read while a restarted publisher rebuilds it (the kill test met "unable to
            // read beyond the end of the stream"): it is only a hint, so the segment is scanned from its start instead.
            return null;
        }

        (long, long)? best = null;
        int lo = 0, hi = (bytes.Length / EntryBytes) - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) / 2);
            var entrySequence = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(mid * EntryBytes));
            if (entrySequence <= sequence)
            {
                best = (entrySequence, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan((mid * EntryBytes) + 8)));
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return best;
    }
}
