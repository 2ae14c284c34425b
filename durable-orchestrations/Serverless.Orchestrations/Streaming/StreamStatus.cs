namespace Serverless.Orchestrations.Streaming;

/// <summary>
/// Where a job's stream stands, as the live view shows it and as <c>serverless status</c> reads it from the job state
/// (written every few seconds while the job streams and once when it stops): capture, each partition's writer, each table.
/// </summary>
public sealed record StreamStatus
{
    public DateTimeOffset UpdatedAtUtc { get; init; }

    /// <summary>False once the run that wrote it stopped (the numbers are the last it saw).</summary>
    public bool Running { get; init; }

    public CaptureStreamStatus? Capture { get; init; }

    public IReadOnlyList<PartitionStreamStatus> Partitions { get; init; } = [];

    public IReadOnlyList<TableStreamStatus> Tables { get; init; } = [];

    /// <summary>Tables being snapshotted again while the stream runs (their writers hold them meanwhile).</summary>
    public IReadOnlyList<ResnapshotStatus> Resnapshots { get; init; } = [];

    /// <summary>Compaction rounds finished in this run, and when the last one ended.</summary>
    public int CompactionRounds { get; init; }

    public DateTimeOffset? LastCompactionAtUtc { get; init; }

    /// <summary>Supervisors whose last segments failed after their retries and that are pausing before the next one, with the error.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];
}
