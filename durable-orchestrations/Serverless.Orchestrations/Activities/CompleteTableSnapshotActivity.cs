using Microsoft.DurableTask;
using Serverless.Cdc.Writer;
using Serverless.Durable.Runtime;
using Serverless.Orchestrations.Jobs;

namespace Serverless.Orchestrations.Activities;

/// <summary>
/// Marks a table's snapshot complete: in the lake table (<see cref="SnapshotCompletion"/>, which tells its writer to apply the
/// changes it held), then in the job state. A retry after a crash in between marks the lake again, which is a skipped replay.
/// </summary>
public sealed class CompleteTableSnapshotActivity(JobEnvironment job) : TaskActivity<CompleteTableSnapshotInput, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, CompleteTableSnapshotInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        job.EnsureJob(input.JobName);
        var cancellationToken = context.GetCancellationToken();
        var handle = await job.Tables.OpenAsync(input.State.LakeTable, cancellationToken).ConfigureAwait(false);
        await handle.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SnapshotCompletion.MarkAsync(handle.Table, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            handle.Gate.Release();
        }

        await job.State.SaveTableAsync(input.State with { Phase = TablePhase.SnapshotComplete }, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
