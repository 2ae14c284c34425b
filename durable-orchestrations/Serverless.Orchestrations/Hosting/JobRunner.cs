using System.Diagnostics;
using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Preflight;
using Serverless.Durable.Runtime;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.StartJob;
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
                Failure = metadata.FailureDetails is { } failure ? Describe(failure) : null,
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

        var existing = await client.GetInstanceAsync(id, cancellationToken).ConfigureAwait(false);
        if (existing is { RuntimeStatus: OrchestrationRuntimeStatus.Completed } done && done.ReadOutputAs<StartJobResult>() is { Outcome: StartJobOutcome.Completed } finished)
        {
            var tracker = new ProgressTracker();
            progress?.Report(tracker.Build(baseline, new SnapshotStatus { Phase = JobPhase.Completed, Tables = finished.Tables, StartPosition = finished.StartPosition }, clock.Elapsed) with
            {
                Message = $"Job {spec.Name} already completed its snapshot on {done.LastUpdatedAt:u}; nothing to do. (Delete {host.StateFolder} to snapshot again.)",
            });
            return JobExitCodes.Success;
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
                var input = new StartJobInput(spec.Name, spec.Snapshot.Parallelism, spec.Snapshot.ChunkRows, Math.Max(1, options.ChunksPerCommit), spec.Snapshot.ChunkBytes);
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
            while (true)
            {
                var readStarted = clock.Elapsed;
                var metadata = await client.GetInstanceAsync(host.InstanceId, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"The orchestration instance {host.InstanceId} disappeared from {host.StateFolder}.");
                last = tracker.Build(last, metadata.ReadCustomStatusAs<SnapshotStatus>(), clock.Elapsed);
                if (metadata.IsCompleted)
                {
                    await watching.CancelAsync().ConfigureAwait(false);
                    return Finish(metadata, last, progress);
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
            // In-flight activities are cancelled; their partial files are deleted and they run again on the next start.
            await host.Runtime.StopAsync().ConfigureAwait(false);
            progress?.Report(last with
            {
                Phase = JobPhase.Cancelled,
                Elapsed = clock.Elapsed,
                Message = $"Cancelled. Run the job again to resume (state in {host.StateFolder}).",
            });
            return JobExitCodes.Cancelled;
        }
    }

    private static int Finish(OrchestrationMetadata metadata, JobProgress last, IProgress<JobProgress>? progress)
    {
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

            progress?.Report(last with
            {
                Phase = JobPhase.Completed,
                RowsPerSecond = last.Elapsed.TotalSeconds > 0 ? last.RowsRead / last.Elapsed.TotalSeconds : 0,
                Eta = null,
                StartPosition = result.StartPosition?.ToString() ?? last.StartPosition,
                Message = string.Create(CultureInfo.InvariantCulture, $"Snapshot complete: {result.Tables.Sum(t => t.RowsCommitted):N0} rows into {result.Tables.Count:N0} Delta table(s) under {last.LakeLocation}."),
            });
            return JobExitCodes.Success;
        }

        progress?.Report(last with
        {
            Phase = JobPhase.Failed,
            Message = metadata.FailureDetails is { } failure
                ? "The job failed: " + Describe(failure) + (IsPermanent(failure)
                    ? " Retrying cannot help: fix that, then run the job again; completed work is kept."
                    : " Run the job again to retry; completed work is kept.")
                : $"The job ended as {metadata.RuntimeStatus}. Run the job again to start over; completed tables are kept.",
        });
        return JobExitCodes.Failed;
    }

    /// <summary>
    /// The orchestrator's failure names the activity; its innermost cause says what went wrong, unless the failure was
    /// classified permanent, whose message already names the thing and the fix (the raw OS error below it would only add noise).
    /// </summary>
    private static string Describe(TaskFailureDetails failure)
    {
        if (IsPermanent(failure))
        {
            return failure.ErrorMessage.Replace(typeof(PermanentActivityFailureException).FullName + ": ", string.Empty, StringComparison.Ordinal);
        }

        var cause = failure;
        while (cause.InnerFailure is not null)
        {
            cause = cause.InnerFailure;
        }

        return failure.ErrorMessage.Contains(cause.ErrorMessage, StringComparison.Ordinal)
            ? failure.ErrorMessage
            : $"{failure.ErrorMessage} (cause: {cause.ErrorType}: {cause.ErrorMessage})";
    }

    private static bool IsPermanent(TaskFailureDetails failure)
    {
        for (var f = failure; f is not null; f = f.InnerFailure)
        {
            if (f.IsCausedBy<PermanentActivityFailureException>())
            {
                return true;
            }
        }

        return false;
    }
}
