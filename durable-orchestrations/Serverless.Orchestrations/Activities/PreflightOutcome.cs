using Serverless.Cdc.Preflight;

namespace Serverless.Orchestrations.Activities;

/// <summary>The Preflight activity's result: every problem with its fix, and what the source supports (serializable).</summary>
public sealed record PreflightOutcome
{
    public required IReadOnlyList<PreflightProblem> Problems { get; init; }

    public required SnapshotPositionMethod PositionMethod { get; init; }

    public required string ServerVersion { get; init; }

    public int Tables { get; init; }

    public TimeSpan EstimatedSnapshotTime { get; init; }

    public TimeSpan? BinlogRetention { get; init; }

    public bool IsOk => Problems.Count == 0;

    /// <summary>The outcome when the source could not be used at all: only that problem is known.</summary>
    public static PreflightOutcome NotConnected(PreflightProblem problem) => new()
    {
        Problems = [problem],
        PositionMethod = SnapshotPositionMethod.None,
        ServerVersion = "unknown (not connected)",
    };

    public static PreflightOutcome From(PreflightReport report, int tables)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new PreflightOutcome
        {
            Problems = report.Problems,
            PositionMethod = report.PositionMethod,
            ServerVersion = report.ServerVersion.ToString(),
            Tables = tables,
            EstimatedSnapshotTime = report.EstimatedSnapshotTime,
            BinlogRetention = report.BinlogRetention,
        };
    }
}
