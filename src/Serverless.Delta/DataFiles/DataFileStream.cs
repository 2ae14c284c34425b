using Serverless.Delta.Actions;
using Serverless.Parquet;
using Serverless.Storage;

namespace Serverless.Delta.DataFiles;

/// <summary>
/// A data file being written batch by batch and uploaded as it grows (see <see cref="DataFileWriter.OpenAsync"/>).
/// <see cref="CompleteAsync"/> publishes it and returns its add action; disposing without completing leaves nothing behind.
/// </summary>
public sealed class DataFileStream : IAsyncDisposable
{
    private readonly DataFileWriter owner;
    private readonly string relative;
    private readonly IReadOnlyDictionary<string, string?> partitionValues;
    private readonly ObjectWriteStream stream;
    private readonly ParquetWriter writer;
    private bool completed;

    internal DataFileStream(DataFileWriter owner, string relative, IReadOnlyDictionary<string, string?> partitionValues, ObjectWriteStream stream)
    {
        this.owner = owner;
        this.relative = relative;
        this.partitionValues = partitionValues;
        this.stream = stream;
        writer = new ParquetWriter(stream, owner.ParquetSchema, owner.Options, leaveOpen: true);
    }

    /// <summary>The Parquet schema batches must have (<see cref="DataFileWriter.ParquetSchema"/>).</summary>
    public ParquetSchema Schema => writer.Schema;

    public long RowCount => writer.RowCount;

    /// <summary>Bytes uploaded plus bytes buffered for the open row group: about the file's size if completed now.</summary>
    public long EstimatedSize => writer.BytesWritten + writer.BufferedBytes;

    /// <summary>Appends rows; the batch can be cleared and reused afterwards.</summary>
    public void Write(ParquetRowBatch batch)
    {
        ObjectDisposedException.ThrowIf(completed, this);
        writer.WriteBatch(batch);
    }

    /// <summary>Writes the footer, publishes the object and returns its add action (dataChange true; callers may override).</summary>
    public async Task<AddFile> CompleteAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(completed, this);
        var meta = writer.Complete();
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        var info = await stream.CompleteAsync(cancellationToken).ConfigureAwait(false);
        completed = true;
        await stream.DisposeAsync().ConfigureAwait(false);
        return owner.ToAddFile(relative, partitionValues, info, meta);
    }

    public async ValueTask DisposeAsync()
    {
        if (!completed)
        {
            // Abandons the upload: the store publishes nothing for a stream disposed before CompleteAsync.
            completed = true;
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
