using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Snapshot;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.Jobs;
using Serverless.Orchestrations.Lake;

namespace Serverless.Functions.Durable;

/// <summary>
/// StartJob's activities as Durable Functions activities, under the names the orchestrator schedules (<see cref="ActivityNames"/>).
/// Each runs the activity class for its job (<see cref="JobActivity{TActivity, TInput, TOutput}"/>) with the permanent-failure
/// classification every backend applies (<see cref="ClassifiedActivity"/>), so StartJob's retry policies decline the same failures here.
/// Written by hand because the SDK's source generator is not served here.
/// </summary>
public sealed class StartJobActivityFunctions(JobEnvironments environments)
{
    [Function(ActivityNames.Preflight)]
    public Task<PreflightOutcome> PreflightAsync([ActivityTrigger] string jobName, string instanceId, FunctionContext function) =>
        RunAsync<PreflightActivity, string, PreflightOutcome>(ActivityNames.Preflight, jobName, jobName, instanceId, function);

    [Function(ActivityNames.RecordStartPosition)]
    public Task<StartPosition> RecordStartPositionAsync([ActivityTrigger] string jobName, string instanceId, FunctionContext function) =>
        RunAsync<RecordStartPositionActivity, string, StartPosition>(ActivityNames.RecordStartPosition, jobName, jobName, instanceId, function);

    [Function(ActivityNames.DiscoverTables)]
    public Task<IReadOnlyList<SourceTable>> DiscoverTablesAsync([ActivityTrigger] string jobName, string instanceId, FunctionContext function) =>
        RunAsync<DiscoverTablesActivity, string, IReadOnlyList<SourceTable>>(ActivityNames.DiscoverTables, jobName, jobName, instanceId, function);

    [Function(ActivityNames.MigrateTable)]
    public Task<TableMigration> MigrateTableAsync([ActivityTrigger] MigrateTableInput input, string instanceId, FunctionContext function) =>
        RunAsync<MigrateTableActivity, MigrateTableInput, TableMigration>(ActivityNames.MigrateTable, input?.JobName, input, instanceId, function);

    [Function(ActivityNames.PlanChunks)]
    public Task<IReadOnlyList<SnapshotChunk>> PlanChunksAsync([ActivityTrigger] PlanChunksInput input, string instanceId, FunctionContext function) =>
        RunAsync<PlanChunksActivity, PlanChunksInput, IReadOnlyList<SnapshotChunk>>(ActivityNames.PlanChunks, input?.JobName, input, instanceId, function);

    [Function(ActivityNames.ReadChunk)]
    public Task<ChunkReadResult> ReadChunkAsync([ActivityTrigger] ReadChunkInput input, string instanceId, FunctionContext function) =>
        RunAsync<ReadChunkActivity, ReadChunkInput, ChunkReadResult>(ActivityNames.ReadChunk, input?.JobName, input, instanceId, function);

    [Function(ActivityNames.CommitChunks)]
    public Task<SnapshotCommitResult> CommitChunksAsync([ActivityTrigger] CommitChunksInput input, string instanceId, FunctionContext function) =>
        RunAsync<CommitChunksActivity, CommitChunksInput, SnapshotCommitResult>(ActivityNames.CommitChunks, input?.JobName, input, instanceId, function);

    [Function(ActivityNames.CompleteTableSnapshot)]
    public Task<bool> CompleteTableSnapshotAsync([ActivityTrigger] CompleteTableSnapshotInput input, string instanceId, FunctionContext function) =>
        RunAsync<CompleteTableSnapshotActivity, CompleteTableSnapshotInput, bool>(ActivityNames.CompleteTableSnapshot, input?.JobName, input, instanceId, function);

    private async Task<TOutput> RunAsync<TActivity, TInput, TOutput>(string name, string? jobName, TInput? input, string instanceId, FunctionContext function)
        where TActivity : TaskActivity<TInput, TOutput>
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentException.ThrowIfNullOrEmpty(jobName);
        var activity = new ClassifiedActivity(new JobActivity<TActivity, TInput, TOutput>(environments, function.InstanceServices, jobName, function.CancellationToken));
        return (TOutput)(await activity.RunAsync(new FunctionActivityContext(name, instanceId), input).ConfigureAwait(false))!;
    }
}
