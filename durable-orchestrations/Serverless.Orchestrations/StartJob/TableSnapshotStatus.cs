namespace Serverless.Orchestrations.StartJob;

/// <summary>One table's snapshot progress in the orchestration's custom status.</summary>
public sealed record TableSnapshotStatus
{
    public required string SourceTable { get; init; }

    public required string LakeTable { get; init; }

    public int ChunksTotal { get; init; }

    public int ChunksRead { get; init; }

    public int ChunksCommitted { get; init; }

    /// <summary>The planner's row estimate over all chunks (exact for sampled boundaries, index estimates otherwise).</summary>
    public long RowsEstimate { get; init; }

    public long RowsRead { get; init; }

    public long RowsCommitted { get; init; }

    public long BytesCommitted { get; init; }

    public int FilesCommitted { get; init; }

    /// <summary>Snapshot commits made (the txn sequence advanced by this run).</summary>
    public int Commits { get; init; }

    /// <summary>An earlier run finished this table; it was not read again.</summary>
    public bool CompletedEarlier { get; init; }

    public bool Complete { get; init; }
}
