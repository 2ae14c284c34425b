using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Serverless.Cdc.Preflight;
using Serverless.Cdc.Schema;
using Serverless.Durable.Runtime;
using Serverless.MySql.Client;
using Serverless.Orchestrations.Jobs;

namespace Serverless.Orchestrations.Activities;

/// <summary>
/// Checks the source against the job (login, binlog settings, privileges, retention, keys, types, position method)
/// and that the lake target can be written (a probe object created and deleted). A refused login, an unknown host, a
/// refused connection or an unwritable target is a problem with its fix, not a failure: retrying cannot fix them.
/// </summary>
public sealed class PreflightActivity(JobEnvironment job, ILogger<PreflightActivity> logger) : TaskActivity<string, PreflightOutcome>
{
    public override async Task<PreflightOutcome> RunAsync(TaskActivityContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        job.EnsureJob(input);
        var ct = context.GetCancellationToken();
        PreflightOutcome source;
        try
        {
            var connection = await job.OpenSourceAsync("preflight", ct).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var tables = await SchemaDiscovery.DiscoverAsync(connection, job.Spec.Tables, job.Spec.KeyOverrides, logger, ct).ConfigureAwait(false);
                var checker = new PreflightChecker(new PreflightOptions { EstimatedBytesPerSecond = job.Spec.Snapshot.EstimatedBytesPerSecond });
                var report = await checker.CheckAsync(connection, job.Spec, tables, ct).ConfigureAwait(false);
                source = PreflightOutcome.From(report, tables.Count);
            }
        }
        catch (MySqlException e) when (SourceAccessProblems.From(e, job.Source) is { } problem)
        {
            logger.LogWarning("Job {Job}: preflight could not use source {Endpoint}: {Error}", job.JobName, job.Source.Endpoint, e.Message);
            source = PreflightOutcome.NotConnected(problem);
        }

        var target = await StorageProbe.CheckAsync(job.Lake, ProbedStore.LakeTarget, ct).ConfigureAwait(false);
        return target is null ? source : source with { Problems = [.. source.Problems, target] };
    }
}
