using Microsoft.Extensions.Logging;
using Serverless.Cdc.Preflight;
using Serverless.Cdc.Schema;
using Serverless.Durable.Sdk;
using Serverless.Orchestrations.Jobs;

namespace Serverless.Orchestrations.Activities;

/// <summary>Checks the source against the job (binlog settings, privileges, retention, keys, types, position method).</summary>
public sealed class PreflightActivity(JobEnvironment job, ILogger<PreflightActivity> logger) : TaskActivity<string, PreflightOutcome>
{
    public override async Task<PreflightOutcome> RunAsync(TaskActivityContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        job.EnsureJob(input);
        var connection = await job.OpenSourceAsync("preflight", context.CancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var tables = await SchemaDiscovery.DiscoverAsync(connection, job.Spec.Tables, job.Spec.KeyOverrides, logger, context.CancellationToken).ConfigureAwait(false);
            var checker = new PreflightChecker(new PreflightOptions { EstimatedBytesPerSecond = job.Spec.Snapshot.EstimatedBytesPerSecond });
            var report = await checker.CheckAsync(connection, job.Spec, tables, context.CancellationToken).ConfigureAwait(false);
            return PreflightOutcome.From(report, tables.Count);
        }
    }
}
