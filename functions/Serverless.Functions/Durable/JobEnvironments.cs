using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Serverless.Cdc.JobCatalog;
using Serverless.Cdc.Jobs;
using Serverless.Orchestrations.Jobs;
using Serverless.Storage;
using Serverless.Storage.State;

namespace Serverless.Functions.Durable;

/// <summary>
/// The <see cref="JobEnvironment"/> of each job this app runs activities for, built from the job's spec in the catalog
/// (the CLI's host has one job and builds its environment from the spec file). An environment holds the source
/// password and the open lake tables, so it is kept per process and rebuilt only when the stored spec changes.
/// </summary>
public sealed class JobEnvironments(JobSpecCatalog catalog, IStateStore state, ILoggerFactory loggerFactory)
{
    private readonly ConcurrentDictionary<string, (string Json, JobEnvironment Environment)> built = new(StringComparer.Ordinal);

    /// <exception cref="JobSpecException">No job of that name is in the catalog, or its spec cannot be used (retrying cannot help).</exception>
    public async Task<JobEnvironment> GetAsync(string jobName, CancellationToken cancellationToken)
    {
        // Read on every activity: a spec replaced through PUT /api/jobs/{name} takes effect at the next activity, not at
        // the next process start.
        var stored = await catalog.GetAsync(jobName, cancellationToken).ConfigureAwait(false)
            ?? throw new JobSpecException([new JobSpecError("$.name", $"job '{jobName}' has work scheduled but no spec in {catalog.Location}", $"create it again with PUT /api/jobs/{jobName}, then POST /api/jobs/{jobName}/start")]);
        if (built.TryGetValue(jobName, out var current) && string.Equals(current.Json, stored.Json, StringComparison.Ordinal))
        {
            return current.Environment;
        }

        var environment = new JobEnvironment(stored.Spec, ObjectStoreLocation.Open(stored.Spec.Target.Root), state, loggerFactory);
        built[jobName] = (stored.Json, environment);
        return environment;
    }
}
