using Serverless.Parquet.Encodings;
using Serverless.Parquet.Thrift;

namespace Serverless.Parquet.Writing;

/// <summary>
/// Buffers one writer's column chunks share while closing a page (pages are closed one at a time): the uncompressed
/// page body, its compressed form and the page header, plus the segment pool that holds the row group's pages.
/// </summary>
internal sealed class PageEncodingScratch : IDisposable
{
    public ByteBuffer Body { get; } = new(64 * 1024);

    public ByteBuffer Compressed { get; } = new(64 * 1024);

    public CompactWriter Header { get; } = new();

    public PageSegmentPool Segments { get; } = new();

    public void Dispose()
    {
        Body.Dispose();
        Compressed.Dispose();
        Segments.Release();
    }
}
