namespace Serverless.Parquet.Writing;

/// <summary>
/// Fixed-size byte segments shared by the column chunks of one writer. A row group's compressed pages live in
/// segments that go back here when the row group is written, so the next row group reuses them: memory stays at
/// one row group's bytes with no doubling copies and no large garbage for the GC to keep as resident memory.
/// </summary>
internal sealed class PageSegmentPool
{
    public const int SegmentSize = 256 * 1024;
    private readonly Stack<byte[]> _free = new();

    /// <summary>Segments ever allocated (those in use plus those free); stops growing once row groups repeat.</summary>
    public int AllocatedSegments { get; private set; }

    public byte[] Rent()
    {
        if (_free.TryPop(out var segment))
        {
            return segment;
        }

        AllocatedSegments++;
        return new byte[SegmentSize];
    }

    public void Return(byte[] segment) => _free.Push(segment);

    /// <summary>Drops the free segments (the writer is complete).</summary>
    public void Release()
    {
        AllocatedSegments -= _free.Count;
        _free.Clear();
    }
}
