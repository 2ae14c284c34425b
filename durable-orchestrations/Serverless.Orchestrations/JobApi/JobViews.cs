using System.Text.Json;
using Serverless.Orchestrations.Jobs;
using Serverless.Orchestrations.StartJob;

namespace Serverless.Orchestrations.JobApi;

/// <summary>One job in the list <c>GET /api/jobs</c> answers.</summary>
public sealed record JobSummary(string Name, JobRunStatus Status, JobPhase? Phase, DateTimeOffset SpecUpdatedAt, DateTimeOffset? LastUpdatedAt);

/// <summary>Everything <c>GET /api/jobs/{name}</c> answers about a job.</summary>
public sealed record JobDetails
{
    public required string Name { get; init; }

    public required JobRunStatus Status { get; init; }

    /// <summary>StartJob's phase from its custom status (null before it ran).</summary>
    public JobPhase? Phase { get; init; }

    /// <summary>The StartJob instance of this job (one per job name).</summary>
    public required string InstanceId { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? LastUpdatedAt { get; init; }

    /// <summary>P0, where change capture starts (from the job state, else the custom status).</summary>
    public StartPosition? StartPosition { get; init; }

    public IReadOnlyList<JobTableProgress> Tables { get; init; } = [];

    /// <summary>Preflight's problems with their fixes, when preflight failed.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Why the instance failed (the innermost cause named), when it did.</summary>
    public string? LastError { get; init; }

    /// <summary>A sentence on what the call did or what to do next.</summary>
    public string? Message { get; init; }

    public required DateTimeOffset SpecUpdatedAt { get; init; }

    /// <summary>The spec as stored; secrets appear as the references they are (env:NAME, file:PATH).</summary>
    public required JsonElement Spec { get; init; }
}

/// <summary>
/// One table of a job, from both places that know about it, shown as they are: the job state store's record (phase,
/// committed totals, lake version; what survives runs) and the current run's custom status (chunks planned, read and
/// committed by this run). Either is null when that place does not know the table yet.
/// </summary>
public sealed record JobTableProgress(string SourceTable, string LakeTable, bool Complete, TableSnapshotState? State, TableSnapshotStatus? Run)
{
    internal static IReadOnlyList<JobTableProgress> Join(IReadOnlyList<TableSnapshotState> stored, IReadOnlyList<TableSnapshotStatus> live)
    {
        var states = stored.ToDictionary(s => s.SourceTable, StringComparer.Ordinal);
        var runs = live.ToDictionary(r => r.SourceTable, StringComparer.Ordinal);
        return states.Keys.Union(runs.Keys).Order(StringComparer.Ordinal).Select(table =>
        {
            var state = states.GetValueOrDefault(table);
            var run = runs.GetValueOrDefault(table);
            return new JobTableProgress(
                table,
                state?.LakeTable ?? run!.LakeTable,
                state?.Phase == TablePhase.SnapshotComplete || run?.Complete == true,
                state,
                run);
        }).ToList();
    }
}
