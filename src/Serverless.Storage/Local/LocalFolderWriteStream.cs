namespace Serverless.Storage.Local;

/// <summary>
/// Streams into a staging file beside the object and publishes it on <see cref="CompleteAsync"/>; disposing
/// without completing deletes the staging file, so nothing becomes visible.
/// </summary>
internal sealed class LocalFolderWriteStream : ObjectWriteStream
{
    private readonly LocalFolderObjectStore store;
    private readonly string objectPath;
    private readonly string finalPath;
    private readonly string stagingPath;
    private readonly bool overwrite;
    private readonly FileStream staging;
    private long bytesWritten;
    private bool finished;

    public LocalFolderWriteStream(LocalFolderObjectStore store, string objectPath, string finalPath, string stagingPath, bool overwrite)
    {
        this.store = store;
        this.objectPath = objectPath;
        this.finalPath = finalPath;
        this.stagingPath = stagingPath;
        this.overwrite = overwrite;
        staging = new FileStream(stagingPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 81920, FileOptions.Asynchronous);
    }

    public override long BytesWritten => bytesWritten;

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        EnsureWritable();
        try
        {
            staging.Write(buffer);
        }
        catch (IOException e) when (StorageFullException.From(e, store.RootPath, objectPath) is { } full)
        {
            throw full;
        }

        bytesWritten += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        try
        {
            await staging.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (StorageFullException.From(e, store.RootPath, objectPath) is { } full)
        {
            throw full;
        }

        bytesWritten += buffer.Length;
    }

    public override void Flush()
    {
        // Nothing becomes visible before CompleteAsync; flushing the staging file early would only cost time.
    }

    public override async Task<ObjectInfo> CompleteAsync(CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        finished = true;
        try
        {
            await staging.FlushAsync(cancellationToken).ConfigureAwait(false);
            staging.Flush(flushToDisk: true);
            await staging.DisposeAsync().ConfigureAwait(false);
            var info = LocalFolderObjectStore.Describe(objectPath, new FileInfo(stagingPath));
            if (overwrite)
            {
                File.Move(stagingPath, finalPath, overwrite: true);
            }
            else if (!NoReplaceFilePublisher.TryPublish(stagingPath, finalPath))
            {
                throw new ObjectAlreadyExistsException(store.Location, objectPath);
            }

            return info;
        }
        catch (IOException e) when (StorageFullException.From(e, store.RootPath, objectPath) is { } full)
        {
            throw full;
        }
        finally
        {
            LocalFolderObjectStore.DeleteIfPresent(stagingPath);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Abandon();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!finished)
        {
            finished = true;
            await staging.DisposeAsync().ConfigureAwait(false);
            LocalFolderObjectStore.DeleteIfPresent(stagingPath);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void Abandon()
    {
        if (!finished)
        {
            finished = true;
            staging.Dispose();
            LocalFolderObjectStore.DeleteIfPresent(stagingPath);
        }
    }

    private void EnsureWritable()
    {
        ObjectDisposedException.ThrowIf(finished, this);
    }
}
