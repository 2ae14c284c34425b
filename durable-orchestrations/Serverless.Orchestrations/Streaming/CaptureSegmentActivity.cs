using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Serverless.Cdc.Capture;
using Serverless.Durable.Runtime;
using Serverless.Orchestrations.Jobs;

namespace Serverless.Orchestrations.Streaming;

/// <summary>
/// Runs the job's binlog capture for one segment: from the checkpoint (the first segment from P0, which the snapshot
/// recorded before its first chunk) into the change log, until the segment's time is up; capture then publishes what it
/// holds and checkpoints. A host stop cancels it the same way (the result is dropped; the next segment resumes from the checkpoint).
/// </summary>
public sealed class CaptureSegmentActivity(JobEnvironment job, ChangeLogHost changeLog, StreamMonitor monitor, ILogger<CaptureSegmentActivity> logger)
    : TaskActivity<CaptureSegmentInput, CaptureSegmentResult>
{
    public override async Task<CaptureSegmentResult> RunAsync(TaskActivityContext context, CaptureSegmentInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        job.EnsureJob(input.JobName);
        var stopping = context.GetCancellationToken();
        var p0 = await job.State.GetStartPositionAsync(stopping).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Job {job.JobName} has no start position (P0) yet; capture starts once the snapshot has recorded it. Run the job to record it.");
        var tables = await StreamTables.DiscoverAsync(job, "capture discover", logger, stopping).ConfigureAwait(false);
        var options = new CaptureOptions
        {
            JobName = job.JobName,
            Source = job.Source with { Name = $"serverless {job.JobName} capture" },
            ReplicaServerId = ReplicaServerId(job.JobName),
            Tables = job.Spec.Tables,
            Start = new CaptureStart(p0.ToBinlogPosition(), string.IsNullOrEmpty(p0.Gtid) ? null : p0.Gtid),
            DiscoveredTables = tables,
            KeyOverrides = job.Spec.KeyOverrides,
        };

        var publisher = changeLog.Log.OpenPublisher();
        await using (publisher.ConfigureAwait(false))
        {
            var capture = new BinlogCapture(options, publisher, job.StateStore, logger);
            monitor.CaptureStarted(capture);
            using var segment = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            segment.CancelAfter(TimeSpan.FromSeconds(input.SegmentSeconds));
            try
            {
                await capture.RunAsync(segment.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                // The segment's time is up: capture published what it held and checkpointed.
            }
            finally
            {
                monitor.CaptureEnded(capture);
            }

            var progress = capture.Progress;
            return new CaptureSegmentResult(progress.ChangesPublished, progress.Position.IsEmpty ? null : progress.Position.ToString(), progress.Checkpoint, progress.Reconnects);
        }
    }

    /// <summary>
    /// The replica server id capture registers with: stable per job (so a restarted capture replaces its own dump thread)
    /// and spread over 1e9..2e9 to stay clear of real replicas' small ids.
    /// </summary>
    public static uint ReplicaServerId(string jobName)
    {
        ArgumentNullException.ThrowIfNull(jobName);
        var hash = 2166136261u;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(jobName))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return 1_000_000_000u + (hash % 1_000_000_000u);
    }
}
