namespace Serverless.Storage;

/// <summary>
/// A write-only stream into one object. Call <see cref="CompleteAsync"/> to publish the object;
/// disposing without completing abandons it and nothing becomes visible.
/// </summary>
public abstract class ObjectWriteStream : Stream
{
    public sealed override bool CanRead => false;

    public sealed override bool CanSeek => false;

    public sealed override bool CanWrite => true;

    public sealed override long Length => throw new NotSupportedException();

    public sealed override long Position
    {
        get => BytesWritten;
        set => throw new NotSupportedException();
    }

    /// <summary>Bytes accepted so far.</summary>
    public abstract long BytesWritten { get; }

    /// <summary>Publishes the object and returns what the store recorded.</summary>
    /// <exception cref="ObjectAlreadyExistsException">Opened with overwrite off and the object appeared meanwhile.</exception>
    public abstract Task<ObjectInfo> CompleteAsync(CancellationToken cancellationToken = default);

    public sealed override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public sealed override void SetLength(long value) => throw new NotSupportedException();
}
