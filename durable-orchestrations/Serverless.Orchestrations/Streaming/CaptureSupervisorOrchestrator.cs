using Microsoft.DurableTask;

namespace Serverless.Orchestrations.Streaming;

/// <summary>
/// The job's capture, one instance per job (<see cref="StreamingNames.CaptureInstanceId"/>): runs capture segments one
/// after the other, each resuming from the checkpoint the previous one left (the first from P0), continuing as new after each.
/// </summary>
public sealed class CaptureSupervisorOrchestrator : TaskOrchestrator<SupervisorInput, string?>
{
    public override async Task<string?> RunAsync(TaskOrchestrationContext context, SupervisorInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        await SupervisorLoop.RunSegmentAsync<CaptureSegmentResult>(
            context, input, StreamingNames.CaptureSegment, new CaptureSegmentInput(input.JobName, input.Seconds), r => r.ChangesPublished, r => r.Checkpoint);
        return null;
    }
}
