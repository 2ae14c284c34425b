using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Serverless.Durable.Runtime;
using Serverless.Orchestrations.Jobs;
using Serverless.Orchestrations.Lake;

namespace Serverless.Orchestrations.Activities;

/// <summary>Commits a group of read chunks to the lake table, exactly once (txn appId "snapshot", version = sequence).</summary>
public sealed class CommitChunksActivity(JobEnvironment job, ILogger<CommitChunksActivity> logger) : TaskActivity<CommitChunksInput, SnapshotCommitResult>
{
    public override Task<SnapshotCommitResult> RunAsync(TaskActivityContext context, CommitChunksInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        job.EnsureJob(input.JobName);
        return new SnapshotCommitter(job.Tables, logger).CommitAsync(input.LakeTable, input.Sequence, input.Files, input.ReplaceExisting, context.GetCancellationToken());
    }
}
