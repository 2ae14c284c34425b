using Microsoft.DurableTask.Client;
using Serverless.Orchestrations.Jobs;
using Serverless.Orchestrations.StartJob;
using Serverless.Orchestrations.Streaming;

namespace Serverless.Orchestrations.Hosting;

/// <summary>What <c>serverless status</c> shows: the job's last (or running) StartJob instance and its state.</summary>
public sealed record JobStatusReport
{
    public required string JobName { get; init; }

    /// <summary>The spec file, lake and state folder the status was read with.</summary>
    public required JobLocations Locations { get; init; }

    public required string InstanceId { get; init; }

    /// <summary>The orchestration's runtime status (Running also after a crash or Ctrl-C, until the next run resumes it).</summary>
    public required OrchestrationRuntimeStatus RuntimeStatus { get; init; }

    public required JobPhase Phase { get; init; }

    public DateTimeOffset CreatedAtUtc { get; init; }

    public DateTimeOffset LastUpdatedAtUtc { get; init; }

    public IReadOnlyList<TableProgress> Tables { get; init; } = [];

    public StartPosition? StartPosition { get; init; }

    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>What failed, once: the failure's message and, when it adds something, its innermost cause.</summary>
    public string? Failure { get; init; }

    /// <summary>The stream-status record the last streaming run wrote (running: refreshed every few seconds), or null.</summary>
    public StreamStatus? Stream { get; init; }

    /// <summary>A streaming supervisor that failed, with its message (e.g. a purged binlog), or null.</summary>
    public string? StreamFailure { get; init; }
}
