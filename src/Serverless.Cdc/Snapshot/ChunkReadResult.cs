namespace Serverless.Cdc.Snapshot;

/// <summary>
/// What a chunk read produced (the ReadChunk activity's output, serializable): the exact low-watermark position Lc
/// of its read view, the time of that view, the rows read and the files written.
/// </summary>
public sealed record ChunkReadResult
{
    public required string ChunkId { get; init; }

    /// <summary>Lc as <c>file:offset:0</c> (see BinlogPosition.Parse).</summary>
    public required string Position { get; init; }

    /// <summary>Lc's sort key, the value of every row's <c>_cdc_position</c> (decimal(38,0)), as decimal text.</summary>
    public required string PositionSortKey { get; init; }

    /// <summary>The server's UTC time when the read view was taken: every row's <c>_cdc_ts</c>.</summary>
    public required DateTime SnapshotTimeUtc { get; init; }

    public required long Rows { get; init; }

    public required IReadOnlyList<ChunkFile> Files { get; init; }

    public TimeSpan Elapsed { get; init; }
}
