using Microsoft.DurableTask;
using Serverless.Durable.Runtime;
using Serverless.Orchestrations.Jobs;

namespace Serverless.Orchestrations.Activities;

/// <summary>Marks a table's snapshot complete in the job state (capture may then drop its delete tombstones).</summary>
public sealed class CompleteTableSnapshotActivity(JobEnvironment job) : TaskActivity<CompleteTableSnapshotInput, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, CompleteTableSnapshotInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        job.EnsureJob(input.JobName);
        await job.State.SaveTableAsync(input.State with { Phase = TablePhase.SnapshotComplete }, context.GetCancellationToken()).ConfigureAwait(false);
        return true;
    }
}
