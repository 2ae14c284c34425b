using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.Delta;
using Serverless.Delta.Log;
using Serverless.Storage;

namespace Serverless.Orchestrations.Lake;

/// <summary>
/// The lake tables of one job, each a folder under the lake root named by the job's naming rules. Keeps one open
/// <see cref="DeltaTable"/> per table for the process (opening replays the log; commits of one table are serialized by
/// the orchestrator, and the gate makes that hold for retried activities too) and the column-mapped
/// <see cref="TableMapping"/> chunk readers write with.
/// </summary>
public sealed class LakeTables
{
    private readonly IObjectStore lake;
    private readonly JobSpec spec;
    private readonly ILoggerFactory loggerFactory;
    private readonly ConcurrentDictionary<string, Lazy<Task<OpenLakeTable>>> open = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<TableMapping>>> mappings = new(StringComparer.Ordinal);

    public LakeTables(IObjectStore lake, JobSpec spec, ILoggerFactory loggerFactory)
    {
        this.lake = lake;
        this.spec = spec;
        this.loggerFactory = loggerFactory;
    }

    /// <summary>The lake table name of a source table (prefix/suffix or the rename map).</summary>
    public string NameOf(SourceTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return spec.Target.Naming.LakeTableName(table.Database, table.Name);
    }

    public TableLocation Location(string lakeTable) => new(lake, lakeTable);

    /// <summary>True when the folder holds a Delta log (a commit or a checkpoint).</summary>
    public async Task<bool> ExistsAsync(string lakeTable, CancellationToken cancellationToken)
    {
        await foreach (var _ in lake.ListAsync(Location(lakeTable).LogFolder, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        return false;
    }

    /// <summary>The open table (its snapshot refreshed) with the gate that serializes writers in this process.</summary>
    public async Task<OpenLakeTable> OpenAsync(string lakeTable, CancellationToken cancellationToken)
    {
        var lazy = open.GetOrAdd(lakeTable, name => new Lazy<Task<OpenLakeTable>>(async () =>
        {
            var table = await DeltaTable.OpenAsync(Location(name), logger: loggerFactory.CreateLogger<DeltaTable>(), cancellationToken: CancellationToken.None).ConfigureAwait(false);
            return new OpenLakeTable(table);
        }));
        try
        {
            var handle = await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            await handle.Table.RefreshAsync(cancellationToken).ConfigureAwait(false);
            return handle;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A failed open (table not created yet, storage error) must not stick in the cache.
            open.TryRemove(new KeyValuePair<string, Lazy<Task<OpenLakeTable>>>(lakeTable, lazy));
            throw;
        }
    }

    /// <summary>Forgets the open table, e.g. after its schema changed.</summary>
    public void Invalidate(string lakeTable)
    {
        open.TryRemove(lakeTable, out _);
        mappings.TryRemove(lakeTable, out _);
    }

    /// <summary>
    /// The mapping chunk files of <paramref name="table"/> are written with: Parquet columns REQUIRED where the lake
    /// column is NOT NULL, named and numbered by the lake table's column mapping (physical names, field ids) when it has one.
    /// </summary>
    public async Task<TableMapping> MappingAsync(SourceTable table, string lakeTable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var lazy = mappings.GetOrAdd(lakeTable, _ => new Lazy<Task<TableMapping>>(async () =>
        {
            var mapping = TypeMapper.Map(table, spec.Types, spec.Target.SoftDelete);
            var handle = await OpenAsync(lakeTable, CancellationToken.None).ConfigureAwait(false);
            var snapshot = handle.Table.Snapshot;
            return mapping.ForLakeTable(snapshot.Schema.Fields, columnMapping: snapshot.ColumnMapping != ColumnMappingMode.None);
        }));
        try
        {
            var mapping = await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (!string.Equals(mapping.Table.QualifiedName, table.QualifiedName, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"Lake table '{lakeTable}' is the target of both {mapping.Table.QualifiedName} and {table.QualifiedName}; give them distinct names (target.naming.rename).");
            }

            return mapping;
        }
        catch (Exception e) when (e is not OperationCanceledException and not InvalidOperationException)
        {
            mappings.TryRemove(new KeyValuePair<string, Lazy<Task<TableMapping>>>(lakeTable, lazy));
            throw;
        }
    }
}
