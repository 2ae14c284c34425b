using Serverless.Orchestrations.StartJob;
using Serverless.Orchestrations.Streaming;

namespace Serverless.Orchestrations.Hosting;

/// <summary>
/// A progress report of a job run: the phase, per-table progress with rates, and at the end the outcome's details
/// (preflight problems with fixes, spec errors, the failure). Reported about twice a second and once at the end.
/// </summary>
public sealed record JobProgress
{
    public required string JobName { get; init; }

    public required JobPhase Phase { get; init; }

    public TimeSpan Elapsed { get; init; }

    public IReadOnlyList<TableProgress> Tables { get; init; } = [];

    public long RowsRead { get; init; }

    public long RowsEstimate { get; init; }

    public double RowsPerSecond { get; init; }

    public TimeSpan? Eta { get; init; }

    /// <summary>P0, where change capture will start (once recorded).</summary>
    public string? StartPosition { get; init; }

    /// <summary>True when this run resumed an unfinished run of the same job.</summary>
    public bool Resumed { get; init; }

    /// <summary>Spec errors or preflight problems, one line each with the fix.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>A one-line explanation of the outcome (failure message, "already complete", where the state is).</summary>
    public string? Message { get; init; }

    /// <summary>The lake root and the state folder, for the final message.</summary>
    public string? LakeLocation { get; init; }

    public string? StateFolder { get; init; }

    /// <summary>Capture, writers and tables once the job streams (null before, and with <c>--snapshot-only</c>).</summary>
    public StreamStatus? Stream { get; init; }
}
