using Serverless.Cdc.Schema;
using Serverless.Cdc.Schema.Evolution;
using Serverless.Cdc.Writer;

namespace Serverless.Orchestrations.Lake;

/// <summary>
/// What a snapshot records in the lake table it loads, beside its rows: the source schema it discovered and mapped the
/// table by (<see cref="LakeSourceSchema"/>, which writers map the change log by) and the binlog position read just before
/// that discovery (<see cref="SnapshotDiscovery"/>, below which writers skip the table's changes).
/// </summary>
public static class LakeSnapshotRecord
{
    /// <summary>The table properties a snapshot of <paramref name="source"/> discovered at <paramref name="discoveryPosition"/> sets (the DDL writer cleared).</summary>
    public static Dictionary<string, string> Properties(IReadOnlyDictionary<string, string> current, SourceTable source, UInt128 discoveryPosition)
    {
        ArgumentNullException.ThrowIfNull(current);
        var configuration = new Dictionary<string, string>(current, StringComparer.Ordinal)
        {
            [LakeSourceSchema.Property] = LakeSourceSchema.Write(source),
            [SnapshotDiscovery.Property] = SnapshotDiscovery.Write(discoveryPosition),
        };
        configuration.Remove(LakeSourceSchema.WriterProperty);
        configuration.Remove(SchemaChangeEvolver.DdlPositionProperty);
        return configuration;
    }

    /// <summary>Records both in a table whose snapshot is loading (one metadata commit, none when they are recorded already).</summary>
    public static async Task RecordAsync(LakeTables tables, string lakeTable, SourceTable source, UInt128 discoveryPosition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var handle = await tables.OpenAsync(lakeTable, cancellationToken).ConfigureAwait(false);
        await handle.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var table = handle.Table;
            var metadata = table.Snapshot.Metadata;
            var configuration = Properties(metadata.Configuration, source, discoveryPosition);
            if (configuration.Count == metadata.Configuration.Count && configuration.All(c => metadata.GetConfiguration(c.Key) == c.Value))
            {
                return;
            }

            await table.CommitAsync(table.BeginTransaction("SET TBLPROPERTIES").UpdateMetadata(metadata with { Configuration = configuration }), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            handle.Gate.Release();
        }
    }
}
