namespace Serverless.Parquet;

/// <summary>A seekable stream as a <see cref="IParquetSource"/> (not thread-safe: one read at a time).</summary>
public sealed class StreamParquetSource : IParquetSource, IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;

    public StreamParquetSource(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek || !stream.CanRead)
        {
            throw new ArgumentException("Reading Parquet needs a readable, seekable stream (the footer is at the end).", nameof(stream));
        }

        _stream = stream;
        _leaveOpen = leaveOpen;
    }

    public long Length => _stream.Length;

    public void ReadAt(long offset, Span<byte> destination)
    {
        Check(offset, destination.Length);
        _stream.Position = offset;
        _stream.ReadExactly(destination);
    }

    public async ValueTask ReadAtAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        Check(offset, destination.Length);
        _stream.Position = offset;
        await _stream.ReadExactlyAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private void Check(long offset, int length)
    {
        if (offset < 0 || offset + length > _stream.Length)
        {
            throw new ParquetFormatException(offset, $"a read of {length} bytes goes beyond the end of the {_stream.Length}-byte file");
        }
    }
}
