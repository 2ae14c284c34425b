namespace Serverless.Cdc.Transport;

/// <summary>Publishes batches of change events, each batch to one partition, like Event Hubs' producer client.</summary>
public interface IChangePublisher : IAsyncDisposable
{
    int PartitionCount { get; }

    /// <summary>An empty batch for the partition the options name (by partition key or explicit partition).</summary>
    ChangeBatch CreateBatch(ChangeBatchOptions options);

    /// <summary>
    /// Appends the batch and returns once the log has durably accepted it: then, and only then, capture may checkpoint
    /// past the batch's changes. A failed or cancelled publish may still have stored some of the batch (at-least-once):
    /// capture re-publishes from its checkpoint and the writers' merge rule makes the duplicates harmless.
    /// </summary>
    ValueTask<PublishReceipt> PublishAsync(ChangeBatch batch, CancellationToken cancellationToken = default);
}
