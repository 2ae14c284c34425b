namespace Serverless.Orchestrations.Streaming;

/// <summary>One table's stream (lag in ms, source commit to lake commit) and its compaction backlog.</summary>
public sealed record TableStreamStatus
{
    public required string Table { get; init; }

    public int Partition { get; init; }

    /// <summary>Changes applied to the lake in this run.</summary>
    public long ChangesApplied { get; init; }

    public double ChangesPerSecond { get; init; }

    public double? LagP50 { get; init; }

    public double? LagP99 { get; init; }

    public int ActiveFiles { get; init; }

    /// <summary>Why the table stopped streaming (a DDL, a row its mapping cannot take), or null.</summary>
    public string? StoppedBy { get; init; }

    /// <summary>Why the table is held for a re-snapshot (the change it could not apply in order), or null.</summary>
    public string? Resnapshot { get; init; }

    /// <summary>Files and bytes the next compaction round would rewrite, and rows hidden by deletion vectors (last measured).</summary>
    public int CompactionBacklogFiles { get; init; }

    public long CompactionBacklogBytes { get; init; }

    public long DeletedRows { get; init; }
}
