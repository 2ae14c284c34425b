using Microsoft.Extensions.Logging;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Schema.Evolution;
using Serverless.Cdc.Transport;
using Serverless.Cdc.Writer;
using Serverless.Delta;
using Serverless.Orchestrations.Jobs;

namespace Serverless.Orchestrations.Streaming;

/// <summary>The job's source tables (discovered again by each segment) and the lake tables a partition's writer writes.</summary>
internal static class StreamTables
{
    public static async Task<IReadOnlyList<SourceTable>> DiscoverAsync(JobEnvironment job, string purpose, ILogger logger, CancellationToken cancellationToken)
    {
        var connection = await job.OpenSourceAsync(purpose, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await SchemaDiscovery.DiscoverAsync(connection, job.Spec.Tables, job.Spec.KeyOverrides, logger, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The partition every change of <paramref name="table"/> goes to (capture keys changes by table; no spread).</summary>
    public static int PartitionOf(SourceTable table, int partitions) =>
        PartitionKeys.PartitionFor(PartitionKeys.ForTable(table.Database, table.Name), partitions);

    /// <summary>
    /// The writer tables of <paramref name="partition"/>: every discovered table that maps to it and has a lake table, each
    /// with its own open lake table (writers commit on their own instances; the snapshot's cached ones stay the snapshot's).
    /// A table without one (created at the source after the snapshot, or renamed into the job and not snapshotted yet) is
    /// left out with a warning: its CREATE adds it to the writer, a pending re-snapshot request holds it, and otherwise a
    /// change of it stops the writer with <see cref="UnknownTableException"/> naming it.
    /// </summary>
    public static async Task<IReadOnlyList<WriterTable>> ForPartitionAsync(
        JobEnvironment job, IReadOnlyList<SourceTable> tables, int partitions, int partition, ILogger logger, CancellationToken cancellationToken)
    {
        var result = new List<WriterTable>();
        foreach (var table in tables.Where(t => PartitionOf(t, partitions) == partition))
        {
            var lakeTable = job.Tables.NameOf(table);
            if (!await job.Tables.ExistsAsync(lakeTable, cancellationToken).ConfigureAwait(false))
            {
                logger.LogWarning(
                    "{Table} has no lake table ({LakeTable}) yet: the writer of partition {Partition} leaves it out (a table created since comes in at its CREATE, one renamed into the job by its re-snapshot)",
                    table.QualifiedName, lakeTable, partition);
                continue;
            }

            var lake = await DeltaTable.OpenAsync(job.Tables.Location(lakeTable), logger: job.LoggerFactory.CreateLogger<DeltaTable>(), cancellationToken: cancellationToken).ConfigureAwait(false);
            result.Add(new WriterTable(TypeMapper.Map(table, job.Spec.Types, job.Spec.Target.SoftDelete), lake) { TypeMapping = job.Spec.Types });
        }

        await AddDroppedAsync(job, tables, partitions, partition, result, logger, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Tables of the job that discovery no longer finds (dropped, or renamed away, at the source) but whose lake table
    /// records the source schema its rows follow: the log can still hold their rows before the DROP, and a writer reopening
    /// below them must map them, not fail on an unknown table. Their DROP in the log then ends their writing as before.
    /// </summary>
    private static async Task AddDroppedAsync(
        JobEnvironment job, IReadOnlyList<SourceTable> discovered, int partitions, int partition, List<WriterTable> result, ILogger logger, CancellationToken cancellationToken)
    {
        var present = discovered.Select(t => t.QualifiedName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var state in await job.State.ListTablesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (present.Contains(state.SourceTable) || !await job.Tables.ExistsAsync(state.LakeTable, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            var lake = await DeltaTable.OpenAsync(job.Tables.Location(state.LakeTable), logger: job.LoggerFactory.CreateLogger<DeltaTable>(), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (LakeSourceSchema.Read(lake.Snapshot) is not { } recorded || PartitionOf(recorded, partitions) != partition)
            {
                continue;
            }

            logger.LogInformation(
                "{Table} is no longer at the source; the writer of partition {Partition} maps its rows still in the log by the schema its lake table {LakeTable} records",
                state.SourceTable, partition, state.LakeTable);
            result.Add(new WriterTable(TypeMapper.Map(recorded, job.Spec.Types, job.Spec.Target.SoftDelete), lake) { TypeMapping = job.Spec.Types });
        }
    }
}
