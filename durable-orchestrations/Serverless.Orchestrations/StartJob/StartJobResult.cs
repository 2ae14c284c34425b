using Serverless.Cdc.Preflight;
using Serverless.Orchestrations.Jobs;

namespace Serverless.Orchestrations.StartJob;

/// <summary>StartJob's output.</summary>
public sealed record StartJobResult
{
    public required StartJobOutcome Outcome { get; init; }

    /// <summary>Preflight's problems, each with its fix (empty when preflight passed).</summary>
    public IReadOnlyList<PreflightProblem> Problems { get; init; } = [];

    /// <summary>P0, where change capture starts.</summary>
    public StartPosition? StartPosition { get; init; }

    public IReadOnlyList<TableSnapshotStatus> Tables { get; init; } = [];
}
