namespace Serverless.Cdc.Verify;

/// <summary>How <see cref="TableVerifier"/> compares a table.</summary>
public sealed record VerifyOptions
{
    /// <summary>Rows per top-level key range; the job's <c>snapshot.chunkRows</c>, so the ranges are the snapshot's chunks.</summary>
    public long ChunkRows { get; init; } = 250_000;

    /// <summary>The job's <c>snapshot.chunkBytes</c>, sizing ranges of narrow rows as the snapshot's chunks are (<see cref="Snapshot.ChunkPlanner.RowsPerChunk"/>); 0: exactly <see cref="ChunkRows"/>.</summary>
    public long ChunkBytes { get; init; }

    /// <summary>A mismatching range holding at most this many rows (on either side) is compared row by row.</summary>
    public int CompareRowsAtMost { get; init; } = 1_000;

    /// <summary>How many pieces a larger mismatching range is split into before each piece is checksummed again.</summary>
    public int SplitWays { get; init; } = 16;

    /// <summary>
    /// How many times ranges that still differ are compared again, with a new source read view and the lake's newest
    /// version, before they are reported: a lake fed by a running capture trails the source by its lag.
    /// </summary>
    public int Rechecks { get; init; } = 2;

    /// <summary>The wait before each re-check, to let the lake catch up.</summary>
    public TimeSpan RecheckDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Differences described row by row per table (all are counted).</summary>
    public int MaxReportedDifferences { get; init; } = 100;
}
