using Microsoft.Extensions.Logging;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.Delta;
using Serverless.Delta.Schema;

namespace Serverless.Orchestrations.Lake;

/// <summary>
/// Brings a lake table to a source table's shape: creates it (merge-on-read: reader 3 / writer 7 with deletion vectors
/// and column mapping; copy-on-write: reader 1 / writer 2), or evolves an existing one with metadata-only changes —
/// new source columns are added (nullable), types Delta can widen are widened, columns the source dropped are kept.
/// A type change Delta cannot apply in place is refused with the fix. Idempotent: a second run changes nothing.
/// </summary>
public sealed partial class LakeSchemaMigrator(LakeTables tables, ILogger logger)
{
    public async Task<LakeMigration> MigrateAsync(TableMapping mapping, string lakeTable, WriteMode writeMode, string jobName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var source = mapping.Table.QualifiedName;
        var created = false;
        if (!await tables.ExistsAsync(lakeTable, cancellationToken).ConfigureAwait(false))
        {
            var definition = new TableDefinition(mapping.DeltaFields)
            {
                Mode = writeMode == WriteMode.CopyOnWrite ? TableProtocolMode.CopyOnWrite : TableProtocolMode.Default,
                Name = lakeTable,
                Description = $"{source} replicated by job {jobName}",
            };
            try
            {
                await DeltaTable.CreateAsync(tables.Location(lakeTable), definition, cancellationToken: cancellationToken).ConfigureAwait(false);
                created = true;
                LogCreated(logger, lakeTable, source, mapping.DeltaFields.Count);
            }
            catch (TableAlreadyExistsException)
            {
                // Created by an earlier attempt of this activity, or concurrently: evolve it like any existing table.
            }
        }

        var handle = await tables.OpenAsync(lakeTable, cancellationToken).ConfigureAwait(false);
        await handle.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var table = handle.Table;
            var added = new List<string>();
            var widened = new List<string>();
            foreach (var field in mapping.DeltaFields)
            {
                var existing = table.Snapshot.Schema.FindField(field.Name);
                SchemaEvolution.Change change;
                if (existing is null)
                {
                    change = SchemaEvolution.AddColumn(table.Snapshot, field with { Nullable = true });
                    added.Add(field.Name);
                }
                else if (!existing.Type.Equals(field.Type))
                {
                    try
                    {
                        change = SchemaEvolution.WidenColumn(table.Snapshot, existing.Name, field.Type);
                    }
                    catch (DeltaSchemaException e)
                    {
                        throw new LakeSchemaException(
                            $"Column '{field.Name}' of {source} maps to {field.Type} ({mapping.Columns.FirstOrDefault(c => c.Source.Name == field.Name)?.Source.ColumnType ?? "a pipeline column"} at the source), " +
                            $"but lake table '{lakeTable}' has it as {existing.Type}, and Delta cannot change that in place ({e.Message}). " +
                            $"Fix: rename the lake table (target.naming.rename) to snapshot into a new table, or drop '{lakeTable}' to rebuild it.",
                            e);
                    }

                    widened.Add($"{field.Name}: {existing.Type} → {field.Type}");
                }
                else
                {
                    continue;
                }

                var tx = table.BeginTransaction("CHANGE COLUMN").UpdateMetadata(change.Metadata);
                if (change.Protocol is not null)
                {
                    tx.UpdateProtocol(change.Protocol);
                }

                await table.CommitAsync(tx, cancellationToken).ConfigureAwait(false);
            }

            if (added.Count > 0 || widened.Count > 0)
            {
                tables.Invalidate(lakeTable);
                LogEvolved(logger, lakeTable, string.Join(", ", added), string.Join(", ", widened));
            }

            var lakeOnly = table.Snapshot.Schema.Fields
                .Where(f => !mapping.DeltaFields.Any(m => string.Equals(m.Name, f.Name, StringComparison.OrdinalIgnoreCase)))
                .Select(f => f.Name)
                .ToList();
            return new LakeMigration(lakeTable, table.Snapshot.Version, created, added, widened, lakeOnly);
        }
        finally
        {
            handle.Gate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created lake table {LakeTable} for {Source} with {Columns} columns")]
    private static partial void LogCreated(ILogger logger, string lakeTable, string source, int columns);

    [LoggerMessage(Level = LogLevel.Information, Message = "Evolved lake table {LakeTable}: added [{Added}], widened [{Widened}]")]
    private static partial void LogEvolved(ILogger logger, string lakeTable, string added, string widened);
}
