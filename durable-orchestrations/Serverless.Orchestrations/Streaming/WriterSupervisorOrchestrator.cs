using Microsoft.DurableTask;

namespace Serverless.Orchestrations.Streaming;

/// <summary>
/// The writer of one change-log partition (<see cref="StreamingNames.WriterInstanceId"/>): runs writer segments one after
/// the other, each reopening the partition where the lake's txn versions say it stopped, continuing as new after each.
/// </summary>
public sealed class WriterSupervisorOrchestrator : TaskOrchestrator<SupervisorInput, string?>
{
    public override async Task<string?> RunAsync(TaskOrchestrationContext context, SupervisorInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegative(input.Partition);
        await SupervisorLoop.RunSegmentAsync<WriterSegmentResult>(
            context,
            input,
            StreamingNames.WriterSegment,
            new WriterSegmentInput(input.JobName, input.Partition, input.Seconds),
            r => r.ChangesRead,
            r => r.StoppedTables.Count == 0 ? null : "stopped: " + string.Join(", ", r.StoppedTables));
        return null;
    }
}
