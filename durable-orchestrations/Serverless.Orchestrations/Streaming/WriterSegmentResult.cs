namespace Serverless.Orchestrations.Streaming;

/// <summary>What a writer segment did: changes read, lake commits, the next sequence to read, tables stopped (by DDL or a bad row).</summary>
public sealed record WriterSegmentResult(long ChangesRead, long Commits, long NextSequence, IReadOnlyList<string> StoppedTables);
