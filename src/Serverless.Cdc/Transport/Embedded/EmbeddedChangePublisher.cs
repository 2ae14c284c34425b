namespace Serverless.Cdc.Transport.Embedded;

/// <summary>
/// The embedded log's publisher: one per log at a time (an exclusive lock on <c>publisher.lock</c>, which the operating
/// system releases when the process dies). Publishes to different partitions run in parallel; publishes to one
/// partition are serialized, each with its own fsync.
/// </summary>
public sealed class EmbeddedChangePublisher : IChangePublisher
{
    private readonly FileStream lockFile;
    private readonly PartitionAppender[] partitions;
    private readonly int maxBatchBytes;

    internal EmbeddedChangePublisher(string root, int partitionCount, int maxBatchBytes, EmbeddedChangeLogOptions options, RetentionHolds holds)
    {
        try
        {
            lockFile = new FileStream(Path.Combine(root, "publisher.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new ChangeLogInUseException(root, e);
        }

        this.maxBatchBytes = maxBatchBytes;
        partitions = new PartitionAppender[partitionCount];
        try
        {
            for (var p = 0; p < partitionCount; p++)
            {
                partitions[p] = PartitionAppender.Open(SegmentFiles.PartitionDirectory(root, p), p, maxBatchBytes, options, holds);
            }
        }
        catch
        {
            foreach (var appender in partitions)
            {
                appender?.Dispose();
            }

            lockFile.Dispose();
            throw;
        }
    }

    public int PartitionCount => partitions.Length;

    /// <summary>The next sequence number <paramref name="partition"/> will assign.</summary>
    public long NextSequenceNumber(int partition) => partitions[CheckPartition(partition)].NextSequence;

    public ChangeBatch CreateBatch(ChangeBatchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int partition;
        if (options.Partition is { } explicitPartition)
        {
            if (options.PartitionKey is not null)
            {
                throw new ArgumentException("A batch takes a partition key or an explicit partition, not both.", nameof(options));
            }

            partition = CheckPartition(explicitPartition);
        }
        else if (options.PartitionKey is { } key)
        {
            if (key.Length is 0 or > PartitionKeys.MaxLength)
            {
                throw new ArgumentException($"Partition key '{key}' must be 1 to {PartitionKeys.MaxLength} characters (Event Hubs' limit).", nameof(options));
            }

            partition = PartitionKeys.PartitionFor(key, partitions.Length);
        }
        else
        {
            // Event Hubs would round-robin such a batch, which loses per-key order; changes always say where they go.
            throw new ArgumentException("A change batch needs a partition key (PartitionKeys.ForChange) or an explicit partition; round-robin would break per-key order.", nameof(options));
        }

        var limit = options.MaxBytes is { } max ? Math.Min(max, maxBatchBytes) : maxBatchBytes;
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, SegmentFormat.RecordHeaderBytes + 1, nameof(options));
        return new ChangeBatch(partition, options.PartitionKey, limit, SegmentFormat.RecordHeaderBytes, this);
    }

    public ValueTask<PublishReceipt> PublishAsync(ChangeBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!ReferenceEquals(batch.Owner, this))
        {
            throw new ArgumentException("The batch was created by another publisher; create batches with this publisher's CreateBatch.", nameof(batch));
        }

        batch.ThrowIfPublished();
        return PublishCoreAsync(batch, cancellationToken);
    }

    private async ValueTask<PublishReceipt> PublishCoreAsync(ChangeBatch batch, CancellationToken cancellationToken)
    {
        var receipt = await partitions[batch.Partition!.Value].AppendAsync(batch, cancellationToken).ConfigureAwait(false);
        batch.MarkPublished();
        return receipt;
    }

    /// <summary>
    /// Applies the retention policy to every partition now (it also runs whenever a segment fills); returns the first
    /// sequence numbers of the segments it removed, per partition.
    /// </summary>
    public async ValueTask<IReadOnlyList<IReadOnlyList<long>>> ApplyRetentionAsync(CancellationToken cancellationToken = default)
    {
        var removed = new IReadOnlyList<long>[partitions.Length];
        for (var p = 0; p < partitions.Length; p++)
        {
            removed[p] = await partitions[p].ApplyRetentionAsync(cancellationToken).ConfigureAwait(false);
        }

        return removed;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var appender in partitions)
        {
            appender.Dispose();
        }

        lockFile.Dispose();
        return ValueTask.CompletedTask;
    }

    private int CheckPartition(int partition)
    {
        if ((uint)partition >= (uint)partitions.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(partition), partition, $"The change log has partitions 0 to {partitions.Length - 1}.");
        }

        return partition;
    }
}
