namespace Serverless.Parquet;

/// <summary>Random access to the bytes of a Parquet file (a local file, a stream, or a blob read by range).</summary>
public interface IParquetSource
{
    /// <summary>Total length of the file in bytes.</summary>
    long Length { get; }

    /// <summary>Fills <paramref name="destination"/> with the bytes at <paramref name="offset"/>; throws if the file ends first.</summary>
    void ReadAt(long offset, Span<byte> destination);

    /// <summary>Asynchronous form of <see cref="ReadAt"/>.</summary>
    ValueTask ReadAtAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken = default);
}
