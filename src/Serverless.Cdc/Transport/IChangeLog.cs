namespace Serverless.Cdc.Transport;

/// <summary>
/// The change transport between capture and writers: a partitioned, ordered, durable log with per-partition sequence
/// numbers and at-least-once delivery (the Event Hubs model). The partition count is fixed when the log is created.
/// Ownership of a partition (which writer reads it) is not the log's business, and neither are checkpoints: a writer's
/// checkpoint is the Delta <c>txn</c> it commits; it reopens its partition from the sequence after that version.
/// </summary>
public interface IChangeLog
{
    int PartitionCount { get; }

    /// <summary>The largest publish batch the log accepts, in bytes (1 MB on Event Hubs).</summary>
    int MaxBatchBytes { get; }

    /// <summary>Opens the publisher; a log has at most one at a time.</summary>
    ValueTask<IChangePublisher> OpenPublisherAsync(CancellationToken cancellationToken = default);

    /// <summary>A reader of one partition starting at <paramref name="fromSequenceNumber"/> (inclusive).</summary>
    IPartitionReader OpenReader(int partition, long fromSequenceNumber);

    /// <summary>The partition's first retained and last published sequence numbers.</summary>
    ValueTask<PartitionProperties> GetPartitionPropertiesAsync(int partition, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that <paramref name="consumer"/> still needs <paramref name="partition"/> from
    /// <paramref name="nextSequenceNeeded"/> on, so retention keeps it (a writer calls it after each lake commit). Logs that
    /// trim by time only (Event Hubs) ignore holds: a reader asking for a trimmed sequence gets
    /// <see cref="SequenceTrimmedException"/> there.
    /// </summary>
    ValueTask SetRetentionHoldAsync(string consumer, int partition, long nextSequenceNeeded, CancellationToken cancellationToken = default);

    /// <summary>Removes a consumer's hold (the consumer is gone for good), so retention no longer waits for it.</summary>
    ValueTask RemoveRetentionHoldAsync(string consumer, int partition, CancellationToken cancellationToken = default);
}
