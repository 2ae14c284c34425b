using System.Text.Json.Serialization;
using Serverless.Orchestrations.Jobs;

namespace Serverless.Orchestrations.StartJob;

/// <summary>StartJob's custom status: the phase and per-table progress, read by the runner and the CLI while it runs.</summary>
public sealed record SnapshotStatus
{
    public required JobPhase Phase { get; init; }

    public IReadOnlyList<TableSnapshotStatus> Tables { get; init; } = [];

    public StartPosition? StartPosition { get; init; }

    /// <summary>
    /// How many tables discovery found (null before it ends). Once <see cref="Tables"/> lists that many, every lake table
    /// exists, so writers can start and take each table live as its own snapshot is committed.
    /// </summary>
    public int? TablesDiscovered { get; init; }

    /// <summary>Whether every discovered table has been migrated (has its lake table).</summary>
    [JsonIgnore]
    public bool EveryTableMigrated => TablesDiscovered is { } total && Tables.Count >= total;
}
