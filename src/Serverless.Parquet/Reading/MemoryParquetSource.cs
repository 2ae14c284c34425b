namespace Serverless.Parquet;

/// <summary>A file held in memory as a <see cref="IParquetSource"/>.</summary>
public sealed class MemoryParquetSource : IParquetSource
{
    private readonly ReadOnlyMemory<byte> _data;

    public MemoryParquetSource(ReadOnlyMemory<byte> data)
    {
        _data = data;
    }

    public long Length => _data.Length;

    public void ReadAt(long offset, Span<byte> destination)
    {
        if (offset < 0 || offset + destination.Length > _data.Length)
        {
            throw new ParquetFormatException(offset, $"a read of {destination.Length} bytes goes beyond the end of the {_data.Length}-byte file");
        }

        _data.Span.Slice((int)offset, destination.Length).CopyTo(destination);
    }

    public ValueTask ReadAtAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        ReadAt(offset, destination.Span);
        return ValueTask.CompletedTask;
    }
}
