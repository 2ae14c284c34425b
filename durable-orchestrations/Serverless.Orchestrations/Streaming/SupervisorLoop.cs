using Microsoft.DurableTask;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.StartJob;

namespace Serverless.Orchestrations.Streaming;

/// <summary>
/// The shape every streaming supervisor shares: run one bounded segment (an activity), record its totals, continue as
/// new, so history stays one segment long however long the job streams. Transient failures are retried inside the
/// segment's policy; one that outlasts it waits (longer each time in a row) and the supervisor goes on with a new
/// segment, since a stream must outlive a source restart or a storage outage. A permanent failure (a purged binlog,
/// a refused login, a fenced capture) fails the supervisor with its message: retrying cannot help.
/// </summary>
internal static class SupervisorLoop
{
    private static readonly TimeSpan MaxPause = TimeSpan.FromMinutes(5);

    public static TaskOptions SegmentRetry { get; } = TaskOptions.FromRetryPolicy(
        new RetryPolicy(5, TimeSpan.FromSeconds(2), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(30)) { HandleFailure = ActivityRetry.IsTransient });

    public static async Task RunSegmentAsync<TOutput>(
        TaskOrchestrationContext context, SupervisorInput input, string activity, object activityInput, Func<TOutput, long> changes, Func<TOutput, string?> detail)
    {
        context.SetCustomStatus(new SupervisorStatus(input.Segment, input.Changes, input.FailuresInARow, input.LastError, null));
        SupervisorInput next;
        try
        {
            var result = await context.CallActivityAsync<TOutput>(activity, activityInput, SegmentRetry);
            next = input with { Segment = input.Segment + 1, Changes = input.Changes + changes(result), FailuresInARow = 0, LastError = null };
            context.SetCustomStatus(new SupervisorStatus(next.Segment, next.Changes, 0, null, detail(result)));
        }
        catch (TaskFailedException e) when (!e.FailureDetails.IsCausedBy<PermanentActivityFailureException>())
        {
            var failures = input.FailuresInARow + 1;
            var pause = TimeSpan.FromSeconds(Math.Min(MaxPause.TotalSeconds, 15 * failures));
            context.SetCustomStatus(new SupervisorStatus(input.Segment, input.Changes, failures, e.Message, $"pausing {pause.TotalSeconds:0} s before the next segment"));
            await context.CreateTimer(context.CurrentUtcDateTime.Add(pause), CancellationToken.None);
            next = input with { Segment = input.Segment + 1, FailuresInARow = failures, LastError = e.Message };
        }

        context.ContinueAsNew(next);
    }
}
