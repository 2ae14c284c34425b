namespace Serverless.Bench;

/// <summary>
/// What a `cdc` child process measured, printed as JSON on its last line: seconds from the start of the work (capture's
/// start, or the writer's open) to its end (the last change in the log, or the lake commit covering the last change),
/// the process's CPU time and peak RSS, and what the writer and capture did.
/// </summary>
public sealed record CdcChildFigures(
    double Seconds,
    double CpuSeconds,
    long PeakRssBytes,
    long Changes,
    long Commits,
    long CaptureBatches,
    long CapturePeakBufferedBytes,
    double? ParquetFlushP50Ms,
    double? ParquetFlushP99Ms,
    long ManagedAllocatedBytes,
    int Gen2Collections);
