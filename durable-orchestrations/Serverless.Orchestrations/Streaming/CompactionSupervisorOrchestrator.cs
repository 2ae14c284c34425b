using Microsoft.DurableTask;

namespace Serverless.Orchestrations.Streaming;

/// <summary>
/// Compaction off the write path, one instance per job (<see cref="StreamingNames.CompactionInstanceId"/>): a round
/// compacts every live lake table of the job once, then a durable timer waits <see cref="SupervisorInput.Seconds"/>
/// and the supervisor continues as new. Writers keep committing meanwhile; the compactor re-plans on conflict.
/// </summary>
public sealed class CompactionSupervisorOrchestrator : TaskOrchestrator<SupervisorInput, string?>
{
    public override async Task<string?> RunAsync(TaskOrchestrationContext context, SupervisorInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);

        // Wait first: the snapshot just wrote every table, and writers are catching up; compacting at once would race both.
        await context.CreateTimer(context.CurrentUtcDateTime.AddSeconds(input.Seconds), CancellationToken.None);
        await SupervisorLoop.RunSegmentAsync<CompactionRoundResult>(
            context, input, StreamingNames.CompactTables, input.JobName, r => r.FilesRewritten, r => r.Summary);
        return null;
    }
}
