namespace Serverless.Parquet.Writing;

/// <summary>
/// Fixed-size byte segments shared by the column chunks of one writer. A row group's compressed pages live in
/// segments that go back here when the row group is written, so the next row group reuses them: memory stays at
/// one row group's bytes with no doubling copies and no large garbage for the GC to keep as resident memory.
/// Segments a completed writer no longer needs go to a process-wide reserve that later writers draw from: a snapshot
/// writes one file per chunk, and allocating each file's row group afresh (segments are large-object-heap arrays)
/// cost 10 MB and a gen-2 collection per 100k-row chunk.
/// </summary>
internal sealed class PageSegmentPool
{
    public const int SegmentSize = 256 * 1024;

    /// <summary>Segments kept in the process-wide reserve at most (64 MiB); more are left to the GC.</summary>
    private const int MaxReserved = 256;
    private static readonly Stack<byte[]> Reserve = new();
    private readonly Stack<byte[]> _free = new();

    /// <summary>Segments this writer holds (those in use plus those free); stops growing once row groups repeat.</summary>
    public int AllocatedSegments { get; private set; }

    public byte[] Rent()
    {
        if (_free.TryPop(out var segment))
        {
            return segment;
        }

        AllocatedSegments++;
        lock (Reserve)
        {
            if (Reserve.TryPop(out segment))
            {
                return segment;
            }
        }

        return new byte[SegmentSize];
    }

    public void Return(byte[] segment) => _free.Push(segment);

    /// <summary>Hands the free segments to the process-wide reserve (the writer is complete).</summary>
    public void Release()
    {
        AllocatedSegments -= _free.Count;
        lock (Reserve)
        {
            while (_free.TryPop(out var segment) && Reserve.Count < MaxReserved)
            {
                Reserve.Push(segment);
            }
        }

        _free.Clear();
    }
}
