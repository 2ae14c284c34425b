using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Cdc.Jobs;
using Serverless.MySql.Client;
using Serverless.Orchestrations.Lake;
using Serverless.Storage;
using Serverless.Storage.State;

namespace Serverless.Orchestrations.Jobs;

/// <summary>
/// The job a host runs, shared by its activities through constructor injection: the spec, the source's connection
/// settings (password resolved once), the lake, the job state and the per-process caches of open lake tables.
/// A host runs one job; activities check the job name they were scheduled with against it.
/// </summary>
public sealed class JobEnvironment
{
    public JobEnvironment(JobSpec spec, IObjectStore lake, IStateStore state, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(lake);
        ArgumentNullException.ThrowIfNull(state);
        Spec = spec;
        Lake = lake;
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Source = spec.Source.ToConnectionOptions("serverless " + spec.Name);
        StateStore = state;
        State = new JobStateStore(state, spec.Name);
        Tables = new LakeTables(lake, spec, LoggerFactory);
    }

    public JobSpec Spec { get; }

    public string JobName => Spec.Name;

    /// <summary>The lake's object store (<c>target.root</c>); lake tables are folders under it.</summary>
    public IObjectStore Lake { get; }

    public MySqlConnectionOptions Source { get; }

    public JobStateStore State { get; }

    /// <summary>The state store itself (capture keeps its checkpoint in the job's partition of it).</summary>
    public IStateStore StateStore { get; }

    public LakeTables Tables { get; }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Opens a connection to the source; <paramref name="purpose"/> shows in the server's process list.</summary>
    public Task<MySqlConnection> OpenSourceAsync(string purpose, CancellationToken cancellationToken) =>
        MySqlConnection.OpenAsync(Source with { Name = $"serverless {JobName} {purpose}" }, LoggerFactory.CreateLogger<MySqlConnection>(), cancellationToken);

    /// <summary>Fails when an activity scheduled for another job reaches this host (a shared state folder or hub).</summary>
    public void EnsureJob(string jobName)
    {
        if (!string.Equals(jobName, JobName, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"This host runs job '{JobName}' but received work for job '{jobName}'. Run each job with its own spec, or give jobs sharing a state folder distinct names.");
        }
    }
}
