using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Snapshot;
using Serverless.Durable.Runtime;
using Serverless.Orchestrations.Jobs;

namespace Serverless.Orchestrations.Activities;

/// <summary>
/// Reads one chunk into Parquet files in its lake table's folder at an exact low-watermark position. Files become
/// part of the table only when CommitChunks commits them, so a rerun after a crash leaves at most unreferenced files.
/// </summary>
public sealed class ReadChunkActivity(JobEnvironment job, IEnumerable<IChunkReadObserver> observers, ILogger<ReadChunkActivity> logger)
    : TaskActivity<ReadChunkInput, ChunkReadResult>
{
    public override async Task<ChunkReadResult> RunAsync(TaskActivityContext context, ReadChunkInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        job.EnsureJob(input.JobName);
        var ct = context.GetCancellationToken();
        foreach (var observer in observers)
        {
            await observer.OnChunkReadStartingAsync(input, ct).ConfigureAwait(false);
        }

        var mapping = await job.Tables.MappingAsync(input.Table, input.LakeTable, ct).ConfigureAwait(false);
        var options = new ChunkReaderOptions
        {
            TargetFileBytes = job.Spec.Snapshot.TargetFileBytes,
            Types = job.Spec.Types,
            PositionMethod = input.PositionMethod,
        };
        var reader = new ChunkReader(job.Source with { Name = $"serverless {job.JobName}" }, job.Lake, options, logger);
        try
        {
            return await reader.ReadAsync(input.Chunk, mapping, input.LakeTable, ct).ConfigureAwait(false);
        }
        catch (NullInNotNullColumnException e)
        {
            // Reading again gives the same null; only the next run's schema migration (which relaxes the column) helps.
            throw new PermanentActivityFailureException(e.Message, e);
        }
    }
}
