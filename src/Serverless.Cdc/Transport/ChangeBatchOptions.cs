namespace Serverless.Cdc.Transport;

/// <summary>
/// Where a batch goes and how large it may be, as in Event Hubs' CreateBatchOptions: a partition key (hashed to a
/// partition; all batches with one key land on one partition, in order) or an explicit partition, not both.
/// </summary>
public sealed record ChangeBatchOptions
{
    /// <summary>A partition key such as <see cref="PartitionKeys.ForChange"/> makes; at most 128 characters (Event Hubs' limit).</summary>
    public string? PartitionKey { get; init; }

    /// <summary>An explicit partition, for a hot table spread over chosen partitions.</summary>
    public int? Partition { get; init; }

    /// <summary>A smaller limit than the log's <see cref="IChangeLog.MaxBatchBytes"/>, or null for the log's.</summary>
    public int? MaxBytes { get; init; }

    public static ChangeBatchOptions ForKey(string partitionKey) => new() { PartitionKey = partitionKey };

    public static ChangeBatchOptions ForPartition(int partition) => new() { Partition = partition };
}
