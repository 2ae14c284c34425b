using Serverless.Orchestrations.Jobs;

namespace Serverless.Orchestrations.StartJob;

/// <summary>StartJob's custom status: the phase and per-table progress, read by the runner and the CLI while it runs.</summary>
public sealed record SnapshotStatus
{
    public required JobPhase Phase { get; init; }

    public IReadOnlyList<TableSnapshotStatus> Tables { get; init; } = [];

    public StartPosition? StartPosition { get; init; }
}
