using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Cdc.Hosting;
using Serverless.Cdc.JobCatalog;
using Serverless.Cdc.Jobs;
using Serverless.Orchestrations.Hosting;
using Serverless.Orchestrations.Jobs;
using Serverless.Orchestrations.StartJob;
using Serverless.Storage;
using Serverless.Storage.State;

namespace Serverless.Orchestrations.JobApi;

/// <summary>
/// The HTTP job API's library side: each method is one endpoint, answering a <see cref="JobApiResponse"/>. Specs live in
/// the <see cref="JobSpecCatalog"/>; a job runs as the StartJob orchestration with the instance id
/// <see cref="JobRunner.InstanceIdFor"/> (one per job, as on the local host), started and stopped through the official
/// <see cref="DurableTaskClient"/>. Stop suspends the instance and start resumes it, like Ctrl-C and a second
/// <c>serverless run</c> locally: completed work is never redone.
/// </summary>
public sealed class JobApiService
{
    private readonly JobSpecCatalog catalog;
    private readonly IStateStore state;
    private readonly ServerlessCdcOptions options;
    private readonly ILogger<JobApiService> logger;

    public JobApiService(JobSpecCatalog catalog, IStateStore state, ServerlessCdcOptions options, ILogger<JobApiService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        this.catalog = catalog;
        this.state = state;
        this.options = options;
        this.logger = logger ?? NullLogger<JobApiService>.Instance;
    }

    /// <summary>The largest request body <see cref="PutAsync"/> reads; a spec is stored in at most 32,000 characters.</summary>
    public const int MaxSpecBytes = 1024 * 1024;

    /// <summary>
    /// <c>PUT /api/jobs/{name}</c> with the spec (UTF-8 JSON) as <paramref name="body"/>: creates (201) or replaces (200)
    /// the job's spec; 400 lists every problem; 409 while it runs; 413 past <see cref="MaxSpecBytes"/>.
    /// </summary>
    public async Task<JobApiResponse> PutAsync(string name, Stream body, DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(client);
        return await CatchSpecProblemsAsync(name, async () =>
        {
            JobSpecCatalog.EnsureValidName(name);
            if (await ReadSpecAsync(body, cancellationToken).ConfigureAwait(false) is not { } json)
            {
                return JobApiResponse.Error(
                    HttpStatusCode.RequestEntityTooLarge,
                    $"The spec sent for job {name} is over {MaxSpecBytes / 1024 / 1024} MiB.",
                    "send the job spec itself; long table lists can be patterns such as \"shop.*\"");
            }

            var instance = await client.GetInstanceAsync(JobRunner.InstanceIdFor(name), getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
            if (StatusOf(instance) == JobRunStatus.Running)
            {
                return JobApiResponse.Error(HttpStatusCode.Conflict, $"Job {name} is running; its spec cannot be replaced while it runs.", $"stop it first (POST /api/jobs/{name}/stop), then send the spec again");
            }

            var (stored, created) = await catalog.PutAsync(name, json, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Job {Job}: spec {Change} in {Location}", name, created ? "created" : "replaced", catalog.Location);
            var details = await DetailsAsync(stored, instance, cancellationToken).ConfigureAwait(false);
            return new JobApiResponse(created ? HttpStatusCode.Created : HttpStatusCode.OK, details with
            {
                Message = created ? $"Job {name} created; start it with POST /api/jobs/{name}/start." : $"Job {name}'s spec replaced; a stopped run it resumes keeps the parallelism and chunk size it started with.",
            });
        }).ConfigureAwait(false);
    }

    /// <summary><c>GET /api/jobs</c>: every job with its status.</summary>
    public async Task<JobApiResponse> ListAsync(DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return await CatchSpecProblemsAsync(null, async () =>
        {
            var jobs = new List<JobSummary>();
            await foreach (var spec in catalog.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                var instance = await client.GetInstanceAsync(JobRunner.InstanceIdFor(spec.Name), getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
                jobs.Add(new JobSummary(spec.Name, StatusOf(instance), PhaseOf(instance), spec.UpdatedAt, instance?.LastUpdatedAt));
            }

            return new JobApiResponse(HttpStatusCode.OK, jobs);
        }).ConfigureAwait(false);
    }

    /// <summary><c>GET /api/jobs/{name}</c>: status, phase, per-table progress, P0, last error and the spec; 404 for an unknown job.</summary>
    public Task<JobApiResponse> GetAsync(string name, DurableTaskClient client, CancellationToken cancellationToken = default) =>
        ForJobAsync(name, client, async (spec, _, instance) =>
            new JobApiResponse(HttpStatusCode.OK, await DetailsAsync(spec, instance, cancellationToken).ConfigureAwait(false)), cancellationToken);

    /// <summary>
    /// <c>POST /api/jobs/{name}/start</c>: schedules StartJob (202), resumes a stopped run (202), or starts a failed one
    /// over (202, completed tables kept); 409 when it runs or has completed, 404 for an unknown job.
    /// </summary>
    public Task<JobApiResponse> StartAsync(string name, DurableTaskClient client, CancellationToken cancellationToken = default) =>
        ForJobAsync(name, client, async (spec, id, instance) =>
        {
            string message;
            switch (StatusOf(instance))
            {
                case JobRunStatus.Running:
                    return JobApiResponse.Error(
                        HttpStatusCode.Conflict,
                        $"Job {name} is already running (since {instance!.CreatedAt.ToString("u", CultureInfo.InvariantCulture)}).",
                        $"follow it with GET /api/jobs/{name}; to stop it, POST /api/jobs/{name}/stop");
                case JobRunStatus.Completed:
                    return JobApiResponse.Error(
                        HttpStatusCode.Conflict,
                        $"Job {name} already completed its snapshot on {instance!.LastUpdatedAt.ToString("u", CultureInfo.InvariantCulture)}; there is nothing to start.",
                        $"read the result with GET /api/jobs/{name}; to snapshot again, DELETE the job and its lake tables, then create it again");
                case JobRunStatus.Stopped:
                    await client.ResumeInstanceAsync(id, "started through the job API", cancellationToken).ConfigureAwait(false);
                    message = $"Job {name} resumes where it stopped; work completed before is not redone.";
                    break;
                case JobRunStatus.NotStarted:
                    await ScheduleAsync(client, spec.Spec, id, cancellationToken).ConfigureAwait(false);
                    message = $"Job {name} started.";
                    break;
                default:
                    // Failed, preflight failed or terminated: start over, as the local host does; tables completed before are kept.
                    await client.PurgeInstanceAsync(id, cancellationToken).ConfigureAwait(false);
                    await ScheduleAsync(client, spec.Spec, id, cancellationToken).ConfigureAwait(false);
                    message = $"Job {name} starts over after its {StatusOf(instance)} run; tables completed before are kept.";
                    break;
            }

            logger.LogInformation("Job {Job}: {Message}", name, message);
            var current = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
            var details = await DetailsAsync(spec, current, cancellationToken).ConfigureAwait(false);
            return new JobApiResponse(HttpStatusCode.Accepted, details with { Message = message });
        }, cancellationToken);

    /// <summary>
    /// <c>POST /api/jobs/{name}/stop</c>: suspends a running job (202: activities already running finish, nothing new
    /// starts); 200 when it is stopped already, 409 when it is not running, 404 for an unknown job.
    /// </summary>
    public Task<JobApiResponse> StopAsync(string name, DurableTaskClient client, CancellationToken cancellationToken = default) =>
        ForJobAsync(name, client, async (spec, id, instance) =>
        {
            var status = StatusOf(instance);
            if (status == JobRunStatus.Stopped)
            {
                return new JobApiResponse(HttpStatusCode.OK, await DetailsAsync(spec, instance, cancellationToken).ConfigureAwait(false) with
                {
                    Message = $"Job {name} is stopped already; POST /api/jobs/{name}/start resumes it.",
                });
            }

            if (status != JobRunStatus.Running)
            {
                return JobApiResponse.Error(HttpStatusCode.Conflict, $"Job {name} is not running (status {status}).", $"there is nothing to stop; POST /api/jobs/{name}/start starts it");
            }

            await client.SuspendInstanceAsync(id, "stopped through the job API", cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Job {Job}: stop requested", name);
            return new JobApiResponse(HttpStatusCode.Accepted, await DetailsAsync(spec, instance, cancellationToken).ConfigureAwait(false) with
            {
                Message = $"Job {name} is stopping: activities already running finish, nothing new starts; POST /api/jobs/{name}/start resumes it.",
            });
        }, cancellationToken);

    /// <summary>
    /// <c>DELETE /api/jobs/{name}</c>: removes the spec and the job's StartJob instance (terminating a stopped one);
    /// 409 while it runs, 404 for an unknown job. Lake tables and the job state stay: the lake is the user's data, and a
    /// job created again under the name does not snapshot the tables completed before.
    /// </summary>
    public Task<JobApiResponse> DeleteAsync(string name, DurableTaskClient client, CancellationToken cancellationToken = default) =>
        ForJobAsync(name, client, async (_, id, instance) =>
        {
            switch (StatusOf(instance))
            {
                case JobRunStatus.Running:
                    return JobApiResponse.Error(HttpStatusCode.Conflict, $"Job {name} is running.", $"stop it first (POST /api/jobs/{name}/stop), then delete it");
                case JobRunStatus.Stopped:
                    await client.TerminateInstanceAsync(id, new TerminateInstanceOptions { Output = "deleted through the job API" }, cancellationToken).ConfigureAwait(false);
                    await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false);
                    await client.PurgeInstanceAsync(id, cancellationToken).ConfigureAwait(false);
                    break;
                case JobRunStatus.NotStarted:
                    break;
                default:
                    await client.PurgeInstanceAsync(id, cancellationToken).ConfigureAwait(false);
                    break;
            }

            await catalog.DeleteAsync(name, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Job {Job}: deleted", name);
            return new JobApiResponse(HttpStatusCode.OK, new JobDeleted(name, $"Job {name} is deleted. Its lake tables and their snapshot state are kept."));
        }, cancellationToken);

    /// <summary>Runs <paramref name="call"/> with the job's spec, instance id and instance; 404 for an unknown job.</summary>
    private Task<JobApiResponse> ForJobAsync(
        string name, DurableTaskClient client, Func<CatalogedJobSpec, string, OrchestrationMetadata?, Task<JobApiResponse>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        return CatchSpecProblemsAsync(name, async () =>
        {
            if (await catalog.GetAsync(name, cancellationToken).ConfigureAwait(false) is not { } spec)
            {
                return UnknownJob(name);
            }

            var id = JobRunner.InstanceIdFor(name);
            var instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
            return await call(spec, id, instance).ConfigureAwait(false);
        });
    }

    /// <summary>The body as text, or null when it is longer than <see cref="MaxSpecBytes"/>.</summary>
    private static async Task<string?> ReadSpecAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxSpecBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private Task ScheduleAsync(DurableTaskClient client, JobSpec spec, string id, CancellationToken cancellationToken)
    {
        var input = new StartJobInput(spec.Name, spec.Snapshot.Parallelism, spec.Snapshot.ChunkRows, Math.Max(1, options.ChunksPerCommit), spec.Snapshot.ChunkBytes, PlanWhileMigrating: true);
        return client.ScheduleNewOrchestrationInstanceAsync(StartJobOrchestrator.Name, input, new StartOrchestrationOptions(InstanceId: id), cancellationToken);
    }

    private async Task<JobDetails> DetailsAsync(CatalogedJobSpec spec, OrchestrationMetadata? instance, CancellationToken cancellationToken)
    {
        var jobState = new JobStateStore(state, spec.Name);
        var stored = await jobState.ListTablesAsync(cancellationToken).ConfigureAwait(false);
        var status = instance?.ReadCustomStatusAs<SnapshotStatus>();
        var result = instance?.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? instance.ReadOutputAs<StartJobResult>() : null;
        using var specDocument = JsonDocument.Parse(spec.Json);
        return new JobDetails
        {
            Name = spec.Name,
            Status = StatusOf(instance),
            Phase = PhaseOf(instance),
            InstanceId = JobRunner.InstanceIdFor(spec.Name),
            CreatedAt = instance?.CreatedAt,
            LastUpdatedAt = instance?.LastUpdatedAt,
            StartPosition = await jobState.GetStartPositionAsync(cancellationToken).ConfigureAwait(false) ?? result?.StartPosition ?? status?.StartPosition,
            Tables = JobTableProgress.Join(stored, result?.Tables ?? status?.Tables ?? []),
            Problems = result?.Problems.Select(p => p.ToString()).ToList() ?? [],
            LastError = instance?.FailureDetails is { } failure ? FailureText.Describe(failure) : null,
            SpecUpdatedAt = spec.UpdatedAt,
            Spec = specDocument.RootElement.Clone(),
        };
    }

    private static JobRunStatus StatusOf(OrchestrationMetadata? instance) => instance?.RuntimeStatus switch
    {
        null => JobRunStatus.NotStarted,
        OrchestrationRuntimeStatus.Suspended => JobRunStatus.Stopped,
        OrchestrationRuntimeStatus.Completed => instance.ReadOutputAs<StartJobResult>()?.Outcome == StartJobOutcome.PreflightFailed ? JobRunStatus.PreflightFailed : JobRunStatus.Completed,
        OrchestrationRuntimeStatus.Failed => JobRunStatus.Failed,
        OrchestrationRuntimeStatus.Terminated => JobRunStatus.Terminated,
        _ => JobRunStatus.Running,
    };

    private static JobPhase? PhaseOf(OrchestrationMetadata? instance) => instance?.RuntimeStatus switch
    {
        null => null,
        OrchestrationRuntimeStatus.Completed => instance.ReadOutputAs<StartJobResult>()?.Outcome == StartJobOutcome.PreflightFailed ? JobPhase.PreflightFailed : JobPhase.Completed,
        OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated => JobPhase.Failed,
        _ => instance.ReadCustomStatusAs<SnapshotStatus>()?.Phase ?? JobPhase.Starting,
    };

    private static JobApiResponse UnknownJob(string name) =>
        JobApiResponse.Error(HttpStatusCode.NotFound, $"There is no job named '{name}'.", $"create it with PUT /api/jobs/{name} (the job spec as the body); GET /api/jobs lists the jobs");

    /// <summary>
    /// An invalid name or spec (sent, or stored and no longer valid) is a 400 listing every problem, as the CLI prints
    /// them. A state store that refuses the call answers with its message, which names the store and the fix: 503 when
    /// a retry can help, else 500.
    /// </summary>
    private static async Task<JobApiResponse> CatchSpecProblemsAsync(string? name, Func<Task<JobApiResponse>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (JobSpecException e)
        {
            var problems = e.Errors.Select(x => new JobApiProblem(x.Path, x.Problem, x.Fix, x.ToString())).ToList();
            var error = e.Errors.Count > 0 ? $"Job spec '{name ?? "(stored)"}' has {e.Errors.Count} problem(s)." : e.Message;
            return JobApiResponse.Error(HttpStatusCode.BadRequest, error, "fix every problem listed, then send the request again", problems);
        }
        catch (StorageRequestException e)
        {
            return e.IsTransient
                ? JobApiResponse.Error(HttpStatusCode.ServiceUnavailable, e.Message, "send the request again in a moment")
                : JobApiResponse.Error(HttpStatusCode.InternalServerError, e.Message, $"fix the state store the app setting {AppSettingNames.StateTableUrl} names, as said above");
        }
    }
}

/// <summary>What <c>DELETE /api/jobs/{name}</c> answers.</summary>
public sealed record JobDeleted(string Name, string Message);
