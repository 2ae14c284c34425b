using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Serverless.Cdc.Schema;
using Serverless.Durable.Runtime;
using Serverless.Orchestrations.Jobs;

namespace Serverless.Orchestrations.Activities;

/// <summary>Reads the included tables, their columns and keys from information_schema.</summary>
public sealed class DiscoverTablesActivity(JobEnvironment job, ILogger<DiscoverTablesActivity> logger) : TaskActivity<string, IReadOnlyList<SourceTable>>
{
    public override async Task<IReadOnlyList<SourceTable>> RunAsync(TaskActivityContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        job.EnsureJob(input);
        var connection = await job.OpenSourceAsync("discover", context.GetCancellationToken()).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await SchemaDiscovery.DiscoverAsync(connection, job.Spec.Tables, job.Spec.KeyOverrides, logger, context.GetCancellationToken()).ConfigureAwait(false);
        }
    }
}
