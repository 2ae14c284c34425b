using Microsoft.Extensions.Logging;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Schema.Evolution;
using Serverless.Cdc.Writer;
using Serverless.Delta;
using Serverless.Orchestrations.Jobs;

namespace Serverless.Orchestrations.Streaming;

/// <summary>
/// The writers' re-snapshot requests in the streaming host: kept in the job's state store (<see cref="SnapshotRequestStore"/>),
/// served by the re-snapshot supervisor; a requested table's lake table, once it exists, is mapped by the source schema
/// the lake records.
/// </summary>
public sealed class StreamSnapshotRequests(JobEnvironment job) : ISnapshotRequests
{
    private SnapshotRequestStore Store => new(job.StateStore, job.JobName);

    /// <summary>The requests of the writers of <paramref name="job"/>, or null when its schemaChanges behaviour must not rewrite lake tables (ignore, fail): those stop the table instead.</summary>
    public static ISnapshotRequests? For(JobEnvironment job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Spec.SchemaChanges is SchemaChangeBehavior.Evolve or SchemaChangeBehavior.Lenient ? new StreamSnapshotRequests(job) : null;
    }

    public Task RequestAsync(SnapshotRequest request, CancellationToken cancellationToken) => Store.SaveAsync(request, cancellationToken);

    public async Task<IReadOnlyList<SnapshotRequest>> PendingAsync(int partition, CancellationToken cancellationToken) =>
        (await Store.ListAsync(cancellationToken).ConfigureAwait(false)).Where(r => r.Partition == partition).ToList();

    public async Task<WriterTable?> OpenAsync(string database, string table, CancellationToken cancellationToken)
    {
        var lakeTable = job.Spec.Target.Naming.LakeTableName(database, table);
        if (!await job.Tables.ExistsAsync(lakeTable, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var lake = await DeltaTable.OpenAsync(job.Tables.Location(lakeTable), logger: job.LoggerFactory.CreateLogger<DeltaTable>(), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (LakeSourceSchema.Read(lake.Snapshot) is not { } recorded)
        {
            return null;
        }

        return new WriterTable(TypeMapper.Map(recorded, job.Spec.Types, job.Spec.Target.SoftDelete), lake) { TypeMapping = job.Spec.Types };
    }
}
