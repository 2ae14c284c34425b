namespace Serverless.Orchestrations.Lake;

/// <summary>A data file a snapshot chunk wrote, as a commit needs it: path relative to the lake root, size, rows, Delta stats JSON.</summary>
public sealed record SnapshotFile(string Path, long SizeBytes, long Rows, string Stats);
