using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Serverless.Cdc.Snapshot;
using Serverless.Durable.Runtime;
using Serverless.Orchestrations.Jobs;

namespace Serverless.Orchestrations.Activities;

/// <summary>Splits a table into key-range chunks (even integer ranges, or sampled keyset boundaries).</summary>
public sealed class PlanChunksActivity(JobEnvironment job, ILogger<PlanChunksActivity> logger) : TaskActivity<PlanChunksInput, IReadOnlyList<SnapshotChunk>>
{
    public override async Task<IReadOnlyList<SnapshotChunk>> RunAsync(TaskActivityContext context, PlanChunksInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        job.EnsureJob(input.JobName);
        var connection = await job.OpenSourceAsync("plan " + input.Table.QualifiedName, context.GetCancellationToken()).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = ChunkPlanner.RowsPerChunk(input.Table, input.ChunkRows, input.ChunkBytes);
            return await new ChunkPlanner(logger).PlanAsync(connection, input.Table, rows, context.GetCancellationToken()).ConfigureAwait(false);
        }
    }
}
