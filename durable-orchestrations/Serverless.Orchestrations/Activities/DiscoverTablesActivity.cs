using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Serverless.Cdc.Schema;
using Serverless.Durable.Runtime;
using Serverless.Orchestrations.Jobs;

namespace Serverless.Orchestrations.Activities;

/// <summary>
/// Reads the included tables, their columns and keys from information_schema, after recording the binlog position just
/// before (the discovery position: a DDL below it is in the discovered schema, and the writers skip the tables' changes below it).
/// </summary>
public sealed class DiscoverTablesActivity(JobEnvironment job, IEnumerable<IDiscoveryObserver> observers, ILogger<DiscoverTablesActivity> logger) : TaskActivity<string, IReadOnlyList<SourceTable>>
{
    public override async Task<IReadOnlyList<SourceTable>> RunAsync(TaskActivityContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        job.EnsureJob(input);
        var cancellationToken = context.GetCancellationToken();
        foreach (var observer in observers)
        {
            await observer.OnDiscoveringAsync(cancellationToken).ConfigureAwait(false);
        }

        var connection = await job.OpenSourceAsync("discover", cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var position = await StartPositionReader.ReadAsync(connection, cancellationToken).ConfigureAwait(false);
            var tables = await SchemaDiscovery.DiscoverAsync(connection, job.Spec.Tables, job.Spec.KeyOverrides, logger, cancellationToken).ConfigureAwait(false);
            await job.State.SaveDiscoveryPositionAsync(position, cancellationToken).ConfigureAwait(false);
            return tables;
        }
    }
}
