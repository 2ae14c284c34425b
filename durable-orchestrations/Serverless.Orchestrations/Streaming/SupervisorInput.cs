namespace Serverless.Orchestrations.Streaming;

/// <summary>
/// A streaming supervisor's input, carried from one execution to the next by continue-as-new: the job, the partition
/// (writers; -1 otherwise), the segment length or compaction interval, and running totals for the status.
/// </summary>
public sealed record SupervisorInput
{
    public required string JobName { get; init; }

    public int Partition { get; init; } = -1;

    /// <summary>How long one capture or writer segment runs; for compaction, the time between two rounds.</summary>
    public int Seconds { get; init; } = 300;

    /// <summary>Executions so far (segments or compaction rounds).</summary>
    public long Segment { get; init; }

    /// <summary>Changes published (capture) or read (writer) over all segments so far.</summary>
    public long Changes { get; init; }

    /// <summary>Segments in a row that failed after their retries (transient); reset by a segment that succeeds.</summary>
    public int FailuresInARow { get; init; }

    public string? LastError { get; init; }
}
