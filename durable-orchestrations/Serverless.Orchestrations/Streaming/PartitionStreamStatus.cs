namespace Serverless.Orchestrations.Streaming;

/// <summary>One partition's writer as the live view shows it (from <see cref="Cdc.Writer.WriterMetricsSnapshot"/>; times in ms).</summary>
public sealed record PartitionStreamStatus
{
    public int Partition { get; init; }

    public bool Running { get; init; }

    /// <summary>The last sequence published to the partition, and the last one its writer read.</summary>
    public long LastSequencePublished { get; init; } = -1;

    public long LastSequenceRead { get; init; } = -1;

    public long BufferedChanges { get; init; }

    public long BufferedBytes { get; init; }

    /// <summary>Tables whose changes wait for their snapshot to complete.</summary>
    public int WaitingTables { get; init; }

    public long Commits { get; init; }

    public long CommitRetries { get; init; }

    public double? ParquetFlushP50 { get; init; }

    public double? ParquetFlushP99 { get; init; }

    public double? ObjectCreateP50 { get; init; }

    public double? ObjectCreateP99 { get; init; }

    public long ActiveFiles { get; init; }

    public double? LagP50 { get; init; }

    public double? LagP99 { get; init; }
}
