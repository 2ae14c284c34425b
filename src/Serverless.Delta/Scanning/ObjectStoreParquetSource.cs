using Serverless.Parquet;
using Serverless.Storage;

namespace Serverless.Delta.Scanning;

/// <summary>A Parquet file in an object store, read by range (so only the footer and the projected column chunks move).</summary>
public sealed class ObjectStoreParquetSource : IParquetSource
{
    private readonly IObjectStore store;
    private readonly string path;

    public ObjectStoreParquetSource(IObjectStore store, string path, long length)
    {
        this.store = store;
        this.path = path;
        Length = length;
    }

    public long Length { get; }

    public void ReadAt(long offset, Span<byte> destination)
    {
        // The Parquet reader's synchronous path; scans use the asynchronous one, this exists for completeness.
        var bytes = store.GetRangeAsync(path, offset, destination.Length).GetAwaiter().GetResult();
        Check(bytes.Length, destination.Length, offset);
        bytes.CopyTo(destination);
    }

    public async ValueTask ReadAtAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        var bytes = await store.GetRangeAsync(path, offset, destination.Length, cancellationToken).ConfigureAwait(false);
        Check(bytes.Length, destination.Length, offset);
        bytes.CopyTo(destination);
    }

    private void Check(int got, int wanted, long offset)
    {
        if (got < wanted)
        {
            throw new EndOfStreamException($"'{path}' in {store.Location} ended at {offset + got} while {wanted} bytes were read at {offset}; the file is shorter than the size the log records ({Length}).");
        }
    }
}
