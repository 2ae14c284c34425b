namespace Serverless.Orchestrations.Hosting;

/// <summary>One table's snapshot progress as the CLI shows it.</summary>
public sealed record TableProgress
{
    public required string SourceTable { get; init; }

    public required string LakeTable { get; init; }

    public int ChunksTotal { get; init; }

    public int ChunksRead { get; init; }

    public int ChunksCommitted { get; init; }

    public long RowsEstimate { get; init; }

    public long RowsRead { get; init; }

    public long RowsCommitted { get; init; }

    public long BytesCommitted { get; init; }

    /// <summary>Rows read per second over the last few seconds; for a finished table, its average while it was snapshotted (0 when unknown).</summary>
    public double RowsPerSecond { get; init; }

    /// <summary>Time left at the current rate, or null when unknown (no rate yet, or done).</summary>
    public TimeSpan? Eta { get; init; }

    /// <summary>An earlier run completed this table.</summary>
    public bool CompletedEarlier { get; init; }

    public bool Complete { get; init; }
}
