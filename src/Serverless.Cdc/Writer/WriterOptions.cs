using Serverless.Delta.Merge;

namespace Serverless.Cdc.Writer;

/// <summary>How a <see cref="PartitionWriter"/> reads, buffers and commits.</summary>
public sealed record WriterOptions
{
    public CommitPolicy Commit { get; init; } = new();

    /// <summary>Null: merge-on-read where the lake table has deletion vectors (the default tables), else copy-on-write.</summary>
    public MergeMode? Mode { get; init; }

    /// <summary>The retention-hold consumer name in the change log.</summary>
    public string ConsumerName { get; init; } = "writer";

    /// <summary>Changes asked of the log per read.</summary>
    public int ReadBatchSize { get; init; } = 4096;

    /// <summary>How often a table whose snapshot is still loading is looked at again for its completion mark.</summary>
    public TimeSpan SnapshotPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A live table with nothing to write gets a txn-only commit once the partition has moved this many sequence numbers past
    /// its last one, so a restart does not re-read a quiet table's whole stretch of the log.
    /// </summary>
    public long IdleCheckpointSequences { get; init; } = 1_000_000;

    /// <summary>The txn appId of a partition's commits (the same on every table the partition writes).</summary>
    public static string AppIdFor(int partition) => "cdc-partition-" + partition.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
