namespace Serverless.Orchestrations.Streaming;

/// <summary>What one compaction round over the job's tables did: files rewritten into fewer, commits, and a one-line summary.</summary>
public sealed record CompactionRoundResult(int Tables, long FilesRewritten, long FilesAdded, long Commits, string Summary);
