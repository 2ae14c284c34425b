namespace Serverless.Delta.Compaction;

/// <summary>The bins to rewrite at one table version, and the backlog measured there.</summary>
public sealed record CompactionPlan(long Version, IReadOnlyList<CompactionBin> Bins, CompactionBacklog Backlog);
