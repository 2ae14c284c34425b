using System.Diagnostics;
using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Preflight;
using Serverless.Cdc.Transport;
using Serverless.Durable.Runtime;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.JobApi;
using Serverless.Orchestrations.Jobs;
using Serverless.Orchestrations.StartJob;
using Serverless.Orchestrations.Streaming;
using Serverless.Storage;
using Serverless.Storage.Local;

namespace Serverless.Orchestrations.Hosting;

/// <summary>
/// Runs a job on this machine (what <c>serverless run --job job.json</c> calls): loads and validates the spec, starts
/// the embedded orchestration runtime on the state folder, starts StartJob — or resumes the unfinished instance of the
/// same job, which re-runs only work whose result was not recorded — reports progress, and returns an exit code
/// (<see cref="JobExitCodes"/>). Cancelling the token stops cleanly; the next run resumes.
/// <para>
/// Progress is reported synchronously from the runner's loop, in order, ending with one report whose phase is the
/// outcome; implement <see cref="IProgress{T}"/> directly (not with <see cref="Progress{T}"/>, which posts reports to the
/// thread pool out of order) to render it.
/// </para>
/// </summary>
public static class JobRunner
{
    /// <summary>Runs the job in <paramref name="jobSpecPath"/> with state in <paramref name="stateFolder"/> (null: the default).</summary>
    public static Task<int> RunAsync(string jobSpecPath, string? stateFolder, IProgress<JobProgress>? progress, CancellationToken cancellationToken) =>
        RunAsync(jobSpecPath, new JobRunnerOptions { StateFolder = stateFolder }, progress, cancellationToken);

    public static async Task<int> RunAsync(string jobSpecPath, JobRunnerOptions options, IProgress<JobProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobSpecPath);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        // The idle core builds the JSON metadata while this thread loads the spec and starts the runtime.
        _ = JsonMetadataWarmup.StartInBackground(OrchestrationRegistry.DataConverter);
        JobSpec? spec = null;
        JobHost host;
        try
        {
            spec = JobSpecFile.Load(jobSpecPath);
            host = JobHost.ForRunning(spec, jobSpecPath, options);
        }
        catch (JobSpecException e)
        {
            progress?.Report(new JobProgress
            {
                JobName = Path.GetFileNameWithoutExtension(jobSpecPath),
                Phase = JobPhase.InvalidSpec,
                Elapsed = clock.Elapsed,
                Problems = e.Errors.Count > 0 ? e.Errors.Select(x => x.ToString()).ToList() : [e.Message],
                Message = e.Errors.Count > 0 ? $"Job spec '{jobSpecPath}' has {e.Errors.Count} problem(s)." : e.Message,
            });
            return JobExitCodes.InvalidSpec;
        }
        catch (Exception e) when (spec is not null && e is IOException or UnauthorizedAccessException)
        {
            // Creating the host only creates the state folder: say what is wrong with it (and with the lake, often beside it).
            if (await ProbeStateAndLakeAsync(spec, jobSpecPath, options, cancellationToken).ConfigureAwait(false) is not { Count: > 0 } problems)
            {
                throw;
            }

            return ReportStartProblems(spec.Name, problems, progress, clock);
        }

        await using (host.ConfigureAwait(false))
        {
            return await RunAsync(host, options, progress, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The folders the job in <paramref name="jobSpecPath"/> uses with <paramref name="stateFolder"/> (null: the default
    /// beside a local lake, else beside the spec): relative paths in the spec are relative to the spec's folder.
    /// </summary>
    /// <exception cref="JobSpecException">The spec is invalid.</exception>
    public static JobLocations Locate(string jobSpecPath, string? stateFolder)
    {
        ArgumentNullException.ThrowIfNull(jobSpecPath);
        return JobHost.Locate(JobSpecFile.Load(jobSpecPath), jobSpecPath, stateFolder);
    }

    /// <summary>The job spec in <paramref name="jobSpecPath"/>, its relative paths resolved against its folder, and its lake's store (no I/O).</summary>
    /// <exception cref="JobSpecException">The spec is invalid.</exception>
    public static (JobSpec Spec, IObjectStore Lake) OpenJob(string jobSpecPath)
    {
        ArgumentNullException.ThrowIfNull(jobSpecPath);
        var spec = JobSpecFile.Load(jobSpecPath);
        return (spec, JobHost.OpenLake(spec));
    }

    /// <summary>The status of the job in <paramref name="jobSpecPath"/>, or null when it never ran with this state folder (see <see cref="Locate"/>).</summary>
    /// <exception cref="JobSpecException">The spec is invalid.</exception>
    public static async Task<JobStatusReport?> GetStatusAsync(string jobSpecPath, string? stateFolder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobSpecPath);
        var spec = JobSpecFile.Load(jobSpecPath);
        if (!Directory.Exists(JobHost.OrchestrationsFolder(JobHost.Locate(spec, jobSpecPath, stateFolder).StateFolder)))
        {
            // Never ran with this state folder; reading status creates nothing (a mistyped --state leaves no folder behind).
            return null;
        }

        var host = JobHost.ForStatus(spec, jobSpecPath, stateFolder);
        await using (host.ConfigureAwait(false))
        {
            var metadata = await host.Runtime.Client.GetInstanceAsync(host.InstanceId, cancellationToken).ConfigureAwait(false);
            if (metadata is null)
            {
                return null;
            }

            var status = metadata.ReadCustomStatusAs<SnapshotStatus>();
            var result = metadata.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? metadata.ReadOutputAs<StartJobResult>() : null;
            var phase = metadata.RuntimeStatus switch
            {
                OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated => JobPhase.Failed,
                OrchestrationRuntimeStatus.Completed when result?.Outcome == StartJobOutcome.PreflightFailed => JobPhase.PreflightFailed,
                OrchestrationRuntimeStatus.Completed => JobPhase.Completed,
                _ => status?.Phase ?? JobPhase.Starting,
            };
            var tables = new ProgressTracker().Build(new JobProgress { JobName = spec.Name, Phase = phase }, status, TimeSpan.Zero).Tables;
            return new JobStatusReport
            {
                JobName = spec.Name,
                Locations = host.Locations,
                InstanceId = host.InstanceId,
                RuntimeStatus = metadata.RuntimeStatus,
                Phase = phase,
                CreatedAtUtc = metadata.CreatedAt,
                LastUpdatedAtUtc = metadata.LastUpdatedAt,
                Tables = tables,
                StartPosition = await host.State.GetStartPositionAsync(cancellationToken).ConfigureAwait(false) ?? status?.StartPosition,
                Problems = result?.Problems.Select(p => p.ToString()).ToList() ?? [],
                Failure = metadata.FailureDetails is { } failure ? FailureText.Describe(failure) : null,
                Stream = await host.State.GetStreamStatusAsync(cancellationToken).ConfigureAwait(false),
                StreamFailure = await FailedSupervisorAsync(host.Runtime.Client, spec, cancellationToken).ConfigureAwait(false),
            };
        }
    }

    private static int ReportStartProblems(string jobName, List<PreflightProblem> problems, IProgress<JobProgress>? progress, Stopwatch clock)
    {
        progress?.Report(new JobProgress
        {
            JobName = jobName,
            Phase = JobPhase.PreflightFailed,
            Elapsed = clock.Elapsed,
            Problems = problems.Select(p => p.ToString()).ToList(),
            Message = $"Preflight found {problems.Count} problem(s) with where the job writes; fix them and run again. Nothing was written.",
        });
        return JobExitCodes.PreflightFailed;
    }

    /// <summary>Probes the state folder, then the lake: the problems that keep a run from starting.</summary>
    private static async Task<List<PreflightProblem>> ProbeStateAndLakeAsync(JobSpec spec, string specPath, JobRunnerOptions options, CancellationToken cancellationToken)
    {
        var problems = new List<PreflightProblem>();
        var lake = JobHost.OpenLake(spec);
        var state = new LocalFolderObjectStore(JobHost.StateFolderFor(lake, options.StateFolder, specPath));
        foreach (var (store, target) in new[] { (state, ProbedStore.StateFolder), (lake, ProbedStore.LakeTarget) })
        {
            if (await StorageProbe.CheckAsync(store, target, cancellationToken).ConfigureAwait(false) is { } problem)
            {
                problems.Add(problem);
            }
        }

        return problems;
    }

    /// <summary>
    /// A spec whose <c>stream.partitions</c> differs from the count the job's change log was created with: the count is
    /// fixed (keys would move between partitions), so the run stops before anything starts, naming both counts and the fix.
    /// </summary>
    private static JobSpecError? ChangeLogMismatch(JobHost host)
    {
        var changeLog = host.ChangeLog!;
        if (!File.Exists(Path.Combine(changeLog.Folder, "changelog.json")))
        {
            return null;
        }

        try
        {
            _ = changeLog.Log;
            return null;
        }
        catch (ChangeLogConfigurationException e)
        {
            return new JobSpecError(
                "$.stream.partitions",
                $"the job asks for {changeLog.Partitions} change-log partition(s) but {char.ToLowerInvariant(e.Message[0])}{e.Message[1..].TrimEnd('.')}",
                "set stream.partitions back to the count the log was created with (a new count needs a new state folder and a new snapshot)");
        }
    }

    /// <summary>The StartJob instance id of a job: one per job name, so a second run finds and resumes the first.</summary>
    public static string InstanceIdFor(string jobName) => "startjob-" + jobName;

    private static async Task<int> RunAsync(JobHost host, JobRunnerOptions options, IProgress<JobProgress>? progress, Stopwatch clock, CancellationToken cancellationToken)
    {
        var spec = host.Spec;
        var client = host.Runtime.Client;
        var id = host.InstanceId;
        var baseline = new JobProgress
        {
            JobName = spec.Name,
            Phase = JobPhase.Starting,
            LakeLocation = host.Lake.Location,
            StateFolder = host.StateFolder,
        };

        if (!options.SnapshotOnly && ChangeLogMismatch(host) is { } mismatch)
        {
            progress?.Report(baseline with { Phase = JobPhase.InvalidSpec, Elapsed = clock.Elapsed, Problems = [mismatch.ToString()], Message = $"Job spec '{host.SpecPath}' has 1 problem(s)." });
            return JobExitCodes.InvalidSpec;
        }

        var existing = await client.GetInstanceAsync(id, cancellationToken).ConfigureAwait(false);
        if (existing is { RuntimeStatus: OrchestrationRuntimeStatus.Completed } done && done.ReadOutputAs<StartJobResult>() is { Outcome: StartJobOutcome.Completed } finished)
        {
            var tracker = new ProgressTracker();
            var complete = tracker.Build(baseline, new SnapshotStatus { Phase = JobPhase.Completed, Tables = finished.Tables, StartPosition = finished.StartPosition }, clock.Elapsed);
            if (options.SnapshotOnly)
            {
                progress?.Report(complete with
                {
                    Message = $"Job {spec.Name} already completed its snapshot on {done.LastUpdatedAt:u}; nothing to do. (Delete {host.StateFolder} to snapshot again.)",
                });
                return JobExitCodes.Success;
            }

            // The snapshot is done: this run streams, resuming capture from its checkpoint and writers from their txn versions.
            try
            {
                await host.Runtime.StartAsync(cancellationToken).ConfigureAwait(false);
                return await StreamAsync(host, options, progress, complete with { Resumed = true, Message = $"Job {spec.Name} completed its snapshot on {done.LastUpdatedAt:u}; resuming streaming." }, clock, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return await CancelledAsync(host, progress, complete, clock).ConfigureAwait(false);
            }
        }

        var resumed = existing is { IsCompleted: false };
        try
        {
            if (existing is { IsCompleted: true })
            {
                // A failed run, or a preflight failure the user has since fixed: start over (tables completed before are kept).
                await client.PurgeInstanceAsync(id, cancellationToken).ConfigureAwait(false);
            }

            if (!resumed)
            {
                var input = new StartJobInput(spec.Name, spec.Snapshot.Parallelism, spec.Snapshot.ChunkRows, Math.Max(1, options.ChunksPerCommit), spec.Snapshot.ChunkBytes, PlanWhileMigrating: true);
                await client.ScheduleNewOrchestrationInstanceAsync(StartJobOrchestrator.Name, input, new StartOrchestrationOptions(id), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (StorageAccessException)
        {
            // The state folder exists but cannot be written (read-only, immutable): the first write is here.
            if (await ProbeStateAndLakeAsync(spec, host.SpecPath, options, cancellationToken).ConfigureAwait(false) is not { Count: > 0 } problems)
            {
                throw;
            }

            return ReportStartProblems(spec.Name, problems, progress, clock);
        }

        baseline = baseline with { Resumed = resumed, Message = resumed ? $"Resuming the unfinished run of job {spec.Name}." : null };
        progress?.Report(baseline with { Elapsed = clock.Elapsed });
        return await WatchAsync(host, options, progress, baseline, clock, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> WatchAsync(JobHost host, JobRunnerOptions options, IProgress<JobProgress>? progress, JobProgress baseline, Stopwatch clock, CancellationToken cancellationToken)
    {
        var client = host.Runtime.Client;
        var tracker = new ProgressTracker();
        var last = baseline;
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await host.Runtime.StartAsync(cancellationToken).ConfigureAwait(false);

            // One waiter for the whole run: it wakes the loop at once when the instance finishes.
            var completion = client.WaitForInstanceCompletionAsync(host.InstanceId, watching.Token);
            var captureStarted = false;
            var writersStarted = false;
            while (true)
            {
                var readStarted = clock.Elapsed;
                var metadata = await client.GetInstanceAsync(host.InstanceId, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"The orchestration instance {host.InstanceId} disappeared from {host.StateFolder}.");
                var status = metadata.ReadCustomStatusAs<SnapshotStatus>();
                last = tracker.Build(last, status, clock.Elapsed);
                if (!options.SnapshotOnly && !captureStarted && status?.StartPosition is not null)
                {
                    // DESIGN.md step 4: capture starts as soon as P0 is recorded, during the snapshot, so the binlog never
                    // has to be kept longer than the capture lag.
                    await StreamSupervisors.StartCaptureAsync(client, host.Spec.Name, options.StreamSegmentLength, cancellationToken).ConfigureAwait(false);
                    captureStarted = true;
                }

                if (!options.SnapshotOnly && !writersStarted && status is { EveryTableMigrated: true })
                {
                    // A table goes live when its own snapshot is committed, not when the job's last one is: writers hold
                    // each table's changes until its completion mark and then catch it up (PartitionWriter).
                    await StreamSupervisors.StartWritersAsync(client, host.Spec.Name, host.Spec.Stream.Partitions, options.StreamSegmentLength, options.CompactionInterval, cancellationToken).ConfigureAwait(false);
                    writersStarted = true;
                }

                if (metadata.IsCompleted)
                {
                    await watching.CancelAsync().ConfigureAwait(false);
                    var rc = Finish(metadata, last, progress, reportSuccess: options.SnapshotOnly, out var final);
                    return rc != JobExitCodes.Success || options.SnapshotOnly
                        ? rc
                        : await StreamAsync(host, options, progress, final, clock, cancellationToken).ConfigureAwait(false);
                }

                progress?.Report(last);

                // Reading the status costs a history read: poll less often when it is slow (a long history).
                var readTime = clock.Elapsed - readStarted;
                var wait = options.ProgressInterval > readTime * 4 ? options.ProgressInterval : readTime * 4;
                await Task.WhenAny(completion, Task.Delay(wait, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return await CancelledAsync(host, progress, last, clock).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops the runtime (in-flight activities are cancelled: partial snapshot files are deleted, capture checkpoints, writers
    /// commit what they buffered; all run again on the next start), keeps the last stream status and reports the stop.
    /// </summary>
    private static async Task<int> CancelledAsync(JobHost host, IProgress<JobProgress>? progress, JobProgress last, Stopwatch clock)
    {
        await host.Runtime.StopAsync().ConfigureAwait(false);
        var stream = await SaveFinalStreamStatusAsync(host).ConfigureAwait(false);
        progress?.Report(last with
        {
            Phase = JobPhase.Cancelled,
            Elapsed = clock.Elapsed,
            Stream = stream ?? last.Stream,
            Message = $"Cancelled. Run the job again to resume (state in {host.StateFolder}).",
        });
        return JobExitCodes.Cancelled;
    }

    /// <summary>
    /// After the snapshot: starts (or resumes) the writers and compaction beside capture and reports the stream until the
    /// run is stopped, a supervisor fails, or with <see cref="JobRunnerOptions.UntilCaughtUp"/> the lake has every change
    /// up to the binlog's end as it was when streaming began here.
    /// </summary>
    private static async Task<int> StreamAsync(JobHost host, JobRunnerOptions options, IProgress<JobProgress>? progress, JobProgress snapshot, Stopwatch clock, CancellationToken cancellationToken)
    {
        var spec = host.Spec;
        var client = host.Runtime.Client;
        var monitor = host.Monitor!;
        var last = snapshot with { Phase = JobPhase.Streaming };
        monitor.Continue(await host.State.GetStreamStatusAsync(cancellationToken).ConfigureAwait(false));
        await StreamSupervisors.StartCaptureAsync(client, spec.Name, options.StreamSegmentLength, cancellationToken).ConfigureAwait(false);
        await StreamSupervisors.StartWritersAsync(client, spec.Name, spec.Stream.Partitions, options.StreamSegmentLength, options.CompactionInterval, cancellationToken).ConfigureAwait(false);
        CatchUpWatch? catchUp = null;
        if (options.UntilCaughtUp)
        {
            var connection = await host.Environment!.OpenSourceAsync("binlog end", cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                catchUp = new CatchUpWatch((await StartPositionReader.ReadAsync(connection, cancellationToken).ConfigureAwait(false)).ToBinlogPosition());
            }
        }

        TimeSpan? lastSave = null;
        IReadOnlyList<string> problems = [];
        while (true)
        {
            var stream = await ReadStreamAsync(host, running: true, cancellationToken).ConfigureAwait(false) with { Problems = problems };
            last = last with { Phase = JobPhase.Streaming, Elapsed = clock.Elapsed, Stream = stream };
            if (lastSave is null || clock.Elapsed - lastSave >= options.StreamStatusWriteInterval)
            {
                lastSave = clock.Elapsed;
                var (failure, pausing) = await ReadSupervisorsAsync(client, spec, cancellationToken).ConfigureAwait(false);
                problems = pausing;
                stream = stream with { Problems = problems };
                last = last with { Stream = stream };
                await host.State.SaveStreamStatusAsync(stream, cancellationToken).ConfigureAwait(false);
                if (failure is not null)
                {
                    await host.Runtime.StopAsync().ConfigureAwait(false);
                    progress?.Report(last with
                    {
                        Phase = JobPhase.Failed,
                        Stream = await SaveFinalStreamStatusAsync(host).ConfigureAwait(false),
                        Message = "Streaming failed: " + failure + " Fix that, then run the job again; capture resumes from its checkpoint and writers from the lake.",
                    });
                    return JobExitCodes.Failed;
                }
            }

            if (catchUp is not null && await catchUp.IsCaughtUpAsync(monitor, host.ChangeLog!, cancellationToken).ConfigureAwait(false))
            {
                await host.Runtime.StopAsync().ConfigureAwait(false);
                progress?.Report(last with
                {
                    Phase = JobPhase.CaughtUp,
                    Elapsed = clock.Elapsed,
                    Stream = await SaveFinalStreamStatusAsync(host).ConfigureAwait(false),
                    Message = $"Caught up: every change up to {catchUp.End} is in the lake under {last.LakeLocation}. Run the job again to keep streaming.",
                });
                return JobExitCodes.Success;
            }

            progress?.Report(last);
            await Task.Delay(options.ProgressInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The stream as this process sees it, with each partition's last published sequence from the change log.</summary>
    private static async Task<StreamStatus> ReadStreamAsync(JobHost host, bool running, CancellationToken cancellationToken)
    {
        var log = host.ChangeLog!;
        var published = new Dictionary<int, long>();
        if (File.Exists(Path.Combine(log.Folder, "changelog.json")))
        {
            for (var p = 0; p < log.Partitions; p++)
            {
                published[p] = (await log.Log.GetPartitionPropertiesAsync(p, cancellationToken).ConfigureAwait(false)).LastSequenceNumber;
            }
        }

        return host.Monitor!.Read(published, running, DateTimeOffset.UtcNow);
    }

    /// <summary>Writes the stream-status record once more as stopped (after the runtime stopped), if this run streamed at all.</summary>
    private static async Task<StreamStatus?> SaveFinalStreamStatusAsync(JobHost host)
    {
        if (host.Monitor is not { } monitor || (monitor.CaptureProgress is null && monitor.WriterMetrics(0) is null))
        {
            return null;
        }

        var stream = await ReadStreamAsync(host, running: false, CancellationToken.None).ConfigureAwait(false);
        await host.State.SaveStreamStatusAsync(stream, CancellationToken.None).ConfigureAwait(false);
        return stream;
    }

    /// <summary>The first streaming supervisor of the job that failed, described, or null.</summary>
    private static async Task<string?> FailedSupervisorAsync(DurableTaskClient client, JobSpec spec, CancellationToken cancellationToken) =>
        (await ReadSupervisorsAsync(client, spec, cancellationToken).ConfigureAwait(false)).Failure;

    /// <summary>
    /// The first streaming supervisor that failed (described), and those pausing after segments that failed in a row
    /// (transient failures that outlasted their retries: a source down, a table that cannot be written yet).
    /// </summary>
    private static async Task<(string? Failure, IReadOnlyList<string> Pausing)> ReadSupervisorsAsync(DurableTaskClient client, JobSpec spec, CancellationToken cancellationToken)
    {
        string? failed = null;
        var pausing = new List<string>();
        foreach (var id in StreamSupervisors.InstanceIds(spec.Name, spec.Stream.Partitions))
        {
            var metadata = await client.GetInstanceAsync(id, cancellationToken).ConfigureAwait(false);
            if (metadata is { RuntimeStatus: OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated })
            {
                failed ??= $"{id}: " + (metadata.FailureDetails is { } failure ? FailureText.Describe(failure) : metadata.RuntimeStatus.ToString());
            }
            else if (metadata?.ReadCustomStatusAs<SupervisorStatus>() is { FailuresInARow: > 0 } status)
            {
                pausing.Add(string.Create(CultureInfo.InvariantCulture, $"{id}: {status.FailuresInARow} segment(s) in a row failed after their retries, the last with: {status.LastError}"));
            }
        }

        return (failed, pausing);
    }

    private static int Finish(OrchestrationMetadata metadata, JobProgress last, IProgress<JobProgress>? progress, bool reportSuccess, out JobProgress final)
    {
        final = last;
        if (metadata.RuntimeStatus == OrchestrationRuntimeStatus.Completed)
        {
            var result = metadata.ReadOutputAs<StartJobResult>()!;
            if (result.Outcome == StartJobOutcome.PreflightFailed)
            {
                progress?.Report(last with
                {
                    Phase = JobPhase.PreflightFailed,
                    Problems = result.Problems.Select(p => p.ToString()).ToList(),
                    Message = $"Preflight found {result.Problems.Count} problem(s); fix them and run again. Nothing was written.",
                });
                return JobExitCodes.PreflightFailed;
            }

            final = last with
            {
                Phase = JobPhase.Completed,
                RowsPerSecond = last.Elapsed.TotalSeconds > 0 ? last.RowsRead / last.Elapsed.TotalSeconds : 0,
                Eta = null,
                StartPosition = result.StartPosition?.ToString() ?? last.StartPosition,
                Message = string.Create(CultureInfo.InvariantCulture, $"Snapshot complete: {result.Tables.Sum(t => t.RowsCommitted):N0} rows into {result.Tables.Count:N0} Delta table(s) under {last.LakeLocation}."),
            };
            if (reportSuccess)
            {
                progress?.Report(final);
            }

            return JobExitCodes.Success;
        }

        progress?.Report(last with
        {
            Phase = JobPhase.Failed,
            Message = metadata.FailureDetails is { } failure
                ? "The job failed: " + FailureText.Describe(failure) + (FailureText.IsPermanent(failure)
                    ? " Retrying cannot help: fix that, then run the job again; completed work is kept."
                    : " Run the job again to retry; completed work is kept.")
                : $"The job ended as {metadata.RuntimeStatus}. Run the job again to start over; completed tables are kept.",
        });
        return JobExitCodes.Failed;
    }
}
