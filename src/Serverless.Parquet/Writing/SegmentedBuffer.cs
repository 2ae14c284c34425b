namespace Serverless.Parquet.Writing;

/// <summary>An append-only byte sequence in <see cref="PageSegmentPool"/> segments (a column chunk's encoded pages).</summary>
internal sealed class SegmentedBuffer
{
    private readonly PageSegmentPool _pool;
    private readonly List<byte[]> _segments = [];
    private int _lastUsed = PageSegmentPool.SegmentSize;

    public SegmentedBuffer(PageSegmentPool pool)
    {
        _pool = pool;
    }

    public long Length { get; private set; }

    /// <summary>Bytes of the segments held (what the buffer costs in memory).</summary>
    public long Capacity => (long)_segments.Count * PageSegmentPool.SegmentSize;

    public void Write(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_lastUsed == PageSegmentPool.SegmentSize)
            {
                _segments.Add(_pool.Rent());
                _lastUsed = 0;
            }

            var n = Math.Min(data.Length, PageSegmentPool.SegmentSize - _lastUsed);
            data[..n].CopyTo(_segments[^1].AsSpan(_lastUsed));
            _lastUsed += n;
            Length += n;
            data = data[n..];
        }
    }

    public void WriteTo(Stream output)
    {
        for (var i = 0; i < _segments.Count; i++)
        {
            output.Write(_segments[i], 0, i == _segments.Count - 1 ? _lastUsed : PageSegmentPool.SegmentSize);
        }
    }

    /// <summary>Empties the buffer and hands its segments back to the pool.</summary>
    public void Clear()
    {
        foreach (var s in _segments)
        {
            _pool.Return(s);
        }

        _segments.Clear();
        _lastUsed = PageSegmentPool.SegmentSize;
        Length = 0;
    }
}
