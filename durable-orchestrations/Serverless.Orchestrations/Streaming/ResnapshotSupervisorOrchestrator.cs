using Microsoft.DurableTask;

namespace Serverless.Orchestrations.Streaming;

/// <summary>
/// Snapshots tables again while the stream runs, one instance per job (<see cref="StreamingNames.ResnapshotInstanceId"/>):
/// waits <see cref="SupervisorInput.Seconds"/> on a durable timer, serves every pending request a writer recorded (a table
/// its writer holds because a change could not be applied in order, or one renamed into the job), and continues as new.
/// Requests live in the state store and the lake, not in history, so a host stopped anywhere serves them again on restart.
/// </summary>
public sealed class ResnapshotSupervisorOrchestrator : TaskOrchestrator<SupervisorInput, string?>
{
    public override async Task<string?> RunAsync(TaskOrchestrationContext context, SupervisorInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        await context.CreateTimer(context.CurrentUtcDateTime.AddSeconds(input.Seconds), CancellationToken.None);
        await SupervisorLoop.RunSegmentAsync<ResnapshotRoundResult>(
            context, input, StreamingNames.ResnapshotTables, input.JobName, r => r.Served, r => r.Summary);
        return null;
    }
}
