using System.Buffers;
using System.Buffers.Binary;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Serverless.Storage.AzureStorage;

/// <summary>
/// Buffers up to one block; an object that fits is uploaded with one Put Blob on <see cref="CompleteAsync"/>.
/// Larger objects are staged as uncommitted blocks (Put Block, a few in flight) and become visible only with the
/// Put Block List on completion. Uncommitted blocks of an abandoned upload are invisible and expire on the service.
/// The SDK's own BlockBlobClient.OpenWrite cannot serve here: it refuses create-only writes and commits on dispose.
/// </summary>
internal sealed class AzureBlobWriteStream : ObjectWriteStream
{
    private readonly AzureBlobObjectStore store;
    private readonly BlockBlobClient blob;
    private readonly string path;
    private readonly bool overwrite;
    private readonly int blockSize;
    private readonly byte[] uploadId = Guid.NewGuid().ToByteArray();
    private readonly List<string> blockIds = [];
    private readonly Queue<(Task Upload, byte[] Buffer)> inFlight = new();
    private readonly CancellationTokenSource abandon = new();
    private byte[]? buffer;
    private int buffered;
    private long bytesWritten;
    private bool finished;

    public AzureBlobWriteStream(AzureBlobObjectStore store, BlockBlobClient blob, string path, bool overwrite)
    {
        this.store = store;
        this.blob = blob;
        this.path = path;
        this.overwrite = overwrite;
        blockSize = store.Options.BlockSize;
    }

    public override long BytesWritten => bytesWritten;

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> source)
    {
        EnsureWritable();
        while (!source.IsEmpty)
        {
            var taken = Append(source);
            source = source[taken..];
            if (buffered == blockSize)
            {
                DispatchBlockAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        while (!source.IsEmpty)
        {
            var taken = Append(source.Span);
            source = source[taken..];
            if (buffered == blockSize)
            {
                await DispatchBlockAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override void Flush()
    {
        // Blocks go out as they fill; nothing is visible before CompleteAsync, so an early flush has no meaning.
    }

    public override async Task<ObjectInfo> CompleteAsync(CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        finished = true;
        try
        {
            if (blockIds.Count == 0)
            {
                return await PutWholeAsync(cancellationToken).ConfigureAwait(false);
            }

            if (buffered > 0)
            {
                await DispatchBlockAsync(cancellationToken).ConfigureAwait(false);
            }

            while (inFlight.Count > 0)
            {
                await AwaitOldestAsync().ConfigureAwait(false);
            }

            return await CommitBlockListAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await ReleaseAsync().ConfigureAwait(false);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !finished)
        {
            finished = true;
            ReleaseAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!finished)
        {
            finished = true;
            await ReleaseAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    private int Append(ReadOnlySpan<byte> source)
    {
        buffer ??= ArrayPool<byte>.Shared.Rent(blockSize);
        var taken = Math.Min(source.Length, blockSize - buffered);
        source[..taken].CopyTo(buffer.AsSpan(buffered));
        buffered += taken;
        bytesWritten += taken;
        return taken;
    }

    private async ValueTask DispatchBlockAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        while (inFlight.Count >= store.Options.MaxConcurrentBlockUploads)
        {
            await AwaitOldestAsync().ConfigureAwait(false);
        }

        var blockBuffer = buffer!;
        var length = buffered;
        buffer = null;
        buffered = 0;
        var index = blockIds.Count;
        var blockId = NextBlockId();

        // The upload outlives this call, so only abandoning the stream cancels it.
        inFlight.Enqueue((PutBlockAsync(index, blockId, blockBuffer.AsMemory(0, length), abandon.Token), blockBuffer));
    }

    private async Task AwaitOldestAsync()
    {
        var (upload, blockBuffer) = inFlight.Dequeue();
        try
        {
            await upload.ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(blockBuffer);
        }
    }

    private string NextBlockId()
    {
        // Every block id of a blob must have the same length: 16 bytes of upload id and a 4-byte index, 28 base64 characters.
        Span<byte> raw = stackalloc byte[20];
        uploadId.CopyTo(raw);
        BinaryPrimitives.WriteInt32BigEndian(raw[16..], blockIds.Count);
        var id = Convert.ToBase64String(raw);
        blockIds.Add(id);
        return id;
    }

    private async Task PutBlockAsync(int index, string blockId, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await blob.StageBlockAsync(blockId, BinaryData.FromBytes(content).ToStream(), new BlockBlobStageBlockOptions(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (store.Failure(e, $"Put Block {index}", path, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    private async Task<ObjectInfo> PutWholeAsync(CancellationToken cancellationToken)
    {
        var content = buffer is null ? ReadOnlyMemory<byte>.Empty : buffer.AsMemory(0, buffered);
        return overwrite
            ? await store.PutAsync(path, content, cancellationToken).ConfigureAwait(false)
            : await store.PutIfAbsentAsync(path, content, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ObjectInfo> CommitBlockListAsync(CancellationToken cancellationToken)
    {
        var writerId = Guid.NewGuid().ToString("N");
        var options = new CommitBlockListOptions
        {
            Conditions = overwrite ? null : AzureBlobObjectStore.CreateOnly,
            Metadata = AzureBlobObjectStore.WriterTag(writerId),
        };
        try
        {
            var response = await blob.CommitBlockListAsync(blockIds, options, cancellationToken).ConfigureAwait(false);
            return AzureBlobObjectStore.InfoFrom(path, bytesWritten, response.Value.ETag, response.Value.LastModified);
        }
        catch (RequestFailedException e) when (!overwrite && AzureBlobObjectStore.IsAlreadyExists(e))
        {
            return await store.ClaimOwnWriteOrThrowAsync(blob, path, writerId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (store.Failure(e, "Put Block List", path, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    private async ValueTask ReleaseAsync()
    {
        await abandon.CancelAsync().ConfigureAwait(false);
        while (inFlight.Count > 0)
        {
            try
            {
                await AwaitOldestAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                // The upload is being abandoned or has already failed; its blocks stay uncommitted and invisible.
            }
        }

        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = null;
        }

        abandon.Dispose();
    }

    private void EnsureWritable()
    {
        ObjectDisposedException.ThrowIf(finished, this);
    }
}
