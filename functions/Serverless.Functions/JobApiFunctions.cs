using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Serverless.Orchestrations.JobApi;

namespace Serverless.Functions;

/// <summary>
/// The HTTP job API (function keys required). Each function turns its request into one call of
/// <see cref="JobApiService"/> and writes the answer as it is; the Durable Functions client comes from the binding.
/// </summary>
public sealed class JobApiFunctions(JobApiService api)
{
    public const string PutJobName = "PutJob";
    public const string ListJobsName = "ListJobs";
    public const string GetJobName = "GetJob";
    public const string StartJobName = "StartJobRun";
    public const string StopJobName = "StopJobRun";
    public const string DeleteJobName = "DeleteJob";

    [Function(PutJobName)]
    public async Task<IActionResult> PutJobAsync(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "jobs/{name}")] HttpRequest request,
        string name,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Respond(await api.PutAsync(name, request.Body, client, cancellationToken).ConfigureAwait(false));
    }

    [Function(ListJobsName)]
    public async Task<IActionResult> ListJobsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "jobs")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        Respond(await api.ListAsync(client, cancellationToken).ConfigureAwait(false));

    [Function(GetJobName)]
    public async Task<IActionResult> GetJobAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "jobs/{name}")] HttpRequest request,
        string name,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        Respond(await api.GetAsync(name, client, cancellationToken).ConfigureAwait(false));

    [Function(StartJobName)]
    public async Task<IActionResult> StartJobAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "jobs/{name}/start")] HttpRequest request,
        string name,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        Respond(await api.StartAsync(name, client, cancellationToken).ConfigureAwait(false));

    [Function(StopJobName)]
    public async Task<IActionResult> StopJobAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "jobs/{name}/stop")] HttpRequest request,
        string name,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        Respond(await api.StopAsync(name, client, cancellationToken).ConfigureAwait(false));

    [Function(DeleteJobName)]
    public async Task<IActionResult> DeleteJobAsync(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "jobs/{name}")] HttpRequest request,
        string name,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        Respond(await api.DeleteAsync(name, client, cancellationToken).ConfigureAwait(false));

    private static ContentResult Respond(JobApiResponse response) => new()
    {
        StatusCode = response.StatusCode,
        ContentType = JobApiResponse.ContentType,
        Content = response.ToJson(),
    };
}
