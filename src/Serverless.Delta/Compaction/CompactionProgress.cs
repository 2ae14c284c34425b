namespace Serverless.Delta.Compaction;

/// <summary>Reported after each commit of a run: how far the run's plan is.</summary>
/// <param name="Version">The version just committed.</param>
/// <param name="BinsDone">Bins committed so far in this run.</param>
/// <param name="BinsPlanned">Bins in the current plan (grows when a conflict re-plans).</param>
/// <param name="BytesRead">Input bytes committed so far.</param>
/// <param name="BytesWritten">Output bytes committed so far.</param>
public sealed record CompactionProgress(long Version, int BinsDone, int BinsPlanned, long BytesRead, long BytesWritten);
