using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Serverless.Cdc.Writer;
using Serverless.Durable.Runtime;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.Jobs;

namespace Serverless.Orchestrations.Streaming;

/// <summary>
/// One round of the re-snapshot supervisor: serves every pending re-snapshot request of the job, one table after the other
/// (<see cref="TableResnapshot"/>). A request whose writer has not held its table yet, or whose table cannot be read now,
/// waits for a later round. Returns a summary of what it served.
/// </summary>
public sealed class ResnapshotTablesActivity(JobEnvironment job, StreamMonitor monitor, IEnumerable<IChunkReadObserver> observers, ILogger<ResnapshotTablesActivity> logger)
    : TaskActivity<string, ResnapshotRoundResult>
{
    public override async Task<ResnapshotRoundResult> RunAsync(TaskActivityContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        job.EnsureJob(input);
        var cancellationToken = context.GetCancellationToken();
        var pending = await new SnapshotRequestStore(job.StateStore, job.JobName).ListAsync(cancellationToken).ConfigureAwait(false);
        var served = new List<string>();
        var server = new TableResnapshot(job, monitor, observers, logger);
        foreach (var request in pending)
        {
            if (await server.ServeAsync(request, cancellationToken).ConfigureAwait(false))
            {
                served.Add(request.QualifiedTable);
            }
        }

        return new ResnapshotRoundResult(served.Count, pending.Count - served.Count, string.Create(CultureInfo.InvariantCulture, $"{served.Count} table(s) snapshotted again{(served.Count == 0 ? string.Empty : ": " + string.Join(", ", served))}; {pending.Count - served.Count} waiting"));
    }
}
