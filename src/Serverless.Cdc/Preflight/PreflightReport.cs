using Serverless.MySql.Client;

namespace Serverless.Cdc.Preflight;

/// <summary>The outcome of <see cref="PreflightChecker"/>: every problem found, and what the source supports.</summary>
public sealed record PreflightReport
{
    public required IReadOnlyList<PreflightProblem> Problems { get; init; }

    /// <summary>How chunks take their exact low-watermark position on this source (<see cref="SnapshotPositionMethod.None"/>: refused).</summary>
    public required SnapshotPositionMethod PositionMethod { get; init; }

    public required MySqlServerVersion ServerVersion { get; init; }

    /// <summary>Total data length over data rate: how long the snapshot is expected to take.</summary>
    public TimeSpan EstimatedSnapshotTime { get; init; }

    /// <summary>How long the server keeps binlogs, or null when it never expires them.</summary>
    public TimeSpan? BinlogRetention { get; init; }

    public bool IsOk => Problems.Count == 0;

    public override string ToString() => IsOk
        ? $"Preflight passed: {ServerVersion}, positions by {PositionMethod}, snapshot ~{EstimatedSnapshotTime.TotalMinutes:0.#} min."
        : $"Preflight found {Problems.Count} problem(s):\n  " + string.Join("\n  ", Problems);
}
