using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Serverless.Orchestrations.Streaming;

/// <summary>
/// Starts a job's streaming supervisors through the durable client, each under its fixed instance id: one that is
/// running (or was running when the host stopped, and resumes with the runtime) is left alone; one that failed is
/// purged and started again, so a run after a fix goes on from the checkpoints and txn versions, which live outside
/// the orchestration history.
/// </summary>
public static class StreamSupervisors
{
    /// <summary>Capture: as soon as P0 is recorded, during the snapshot.</summary>
    public static Task StartCaptureAsync(DurableTaskClient client, string jobName, TimeSpan segment, CancellationToken cancellationToken) =>
        EnsureAsync(client, StreamingNames.CaptureSupervisor, StreamingNames.CaptureInstanceId(jobName), Input(jobName, -1, segment), cancellationToken);

    /// <summary>One writer per partition, the compaction supervisor and the re-snapshot supervisor: once every lake table exists.</summary>
    public static async Task StartWritersAsync(DurableTaskClient client, string jobName, int partitions, TimeSpan segment, TimeSpan compactionInterval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        for (var p = 0; p < partitions; p++)
        {
            await EnsureAsync(client, StreamingNames.WriterSupervisor, StreamingNames.WriterInstanceId(jobName, p), Input(jobName, p, segment), cancellationToken).ConfigureAwait(false);
        }

        await EnsureAsync(client, StreamingNames.CompactionSupervisor, StreamingNames.CompactionInstanceId(jobName), Input(jobName, -1, compactionInterval), cancellationToken).ConfigureAwait(false);
        await EnsureAsync(client, StreamingNames.ResnapshotSupervisor, StreamingNames.ResnapshotInstanceId(jobName), Input(jobName, -1, ResnapshotPollInterval), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How often the re-snapshot supervisor looks for requests (a held table waits at most this long before its snapshot starts).</summary>
    public static TimeSpan ResnapshotPollInterval { get; } = TimeSpan.FromSeconds(2);

    /// <summary>Every supervisor instance id of a job with <paramref name="partitions"/> partitions.</summary>
    public static IEnumerable<string> InstanceIds(string jobName, int partitions)
    {
        yield return StreamingNames.CaptureInstanceId(jobName);
        for (var p = 0; p < partitions; p++)
        {
            yield return StreamingNames.WriterInstanceId(jobName, p);
        }

        yield return StreamingNames.CompactionInstanceId(jobName);
        yield return StreamingNames.ResnapshotInstanceId(jobName);
    }

    private static SupervisorInput Input(string jobName, int partition, TimeSpan seconds) =>
        new() { JobName = jobName, Partition = partition, Seconds = Math.Max(1, (int)Math.Ceiling(seconds.TotalSeconds)) };

    private static async Task EnsureAsync(DurableTaskClient client, string orchestrator, string instanceId, SupervisorInput input, CancellationToken cancellationToken)
    {
        var existing = await client.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (existing is { IsCompleted: false })
        {
            return;
        }

        if (existing is not null)
        {
            await client.PurgeInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
        }

        await client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input, new StartOrchestrationOptions(instanceId), cancellationToken).ConfigureAwait(false);
    }
}
