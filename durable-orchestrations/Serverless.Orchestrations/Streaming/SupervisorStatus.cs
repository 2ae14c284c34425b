namespace Serverless.Orchestrations.Streaming;

/// <summary>A streaming supervisor's custom status: which segment runs, the totals so far and the last failure it outlived.</summary>
public sealed record SupervisorStatus(long Segment, long Changes, int FailuresInARow, string? LastError, string? Detail);
