using Microsoft.DurableTask;
using Serverless.Durable.Runtime;
using Serverless.Orchestrations.Jobs;

namespace Serverless.Orchestrations.Activities;

/// <summary>Reads P0 (before any chunk) and records it in the job state, keeping an earlier run's P0 if there is one.</summary>
public sealed class RecordStartPositionActivity(JobEnvironment job) : TaskActivity<string, StartPosition>
{
    public override async Task<StartPosition> RunAsync(TaskActivityContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        job.EnsureJob(input);
        var connection = await job.OpenSourceAsync("start position", context.GetCancellationToken()).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var position = await StartPositionReader.ReadAsync(connection, context.GetCancellationToken()).ConfigureAwait(false);
            return await job.State.RecordStartPositionAsync(position, context.GetCancellationToken()).ConfigureAwait(false);
        }
    }
}
