using System.Text.Json.Serialization;

namespace Serverless.Orchestrations.Jobs;

/// <summary>Where a source table stands in the job, as kept in the state store (one entity per table).</summary>
public sealed record TableSnapshotState
{
    /// <summary><c>db.table</c>.</summary>
    public required string SourceTable { get; init; }

    public required string LakeTable { get; init; }

    public required TablePhase Phase { get; init; }

    public int Chunks { get; init; }

    public long Rows { get; init; }

    public int Files { get; init; }

    public long Bytes { get; init; }

    /// <summary>The lake table's version after the last snapshot commit.</summary>
    public long LakeVersion { get; init; }

    public DateTime? CompletedAtUtc { get; init; }
}

/// <summary>A table's phase: the capture (a later stage) may drop delete tombstones only once the snapshot is complete.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TablePhase>))]
public enum TablePhase
{
    /// <summary>The lake table exists with the source's schema; snapshot chunks are being read and committed.</summary>
    Snapshotting,

    /// <summary>Every chunk of the table is committed to the lake.</summary>
    SnapshotComplete,
}
