using Microsoft.Extensions.Logging;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Schema.Evolution;
using Serverless.Delta;
using Serverless.Delta.Schema;

namespace Serverless.Orchestrations.Lake;

/// <summary>
/// Brings a lake table to a source table's shape: creates it (merge-on-read: reader 3 / writer 7 with deletion vectors
/// and column mapping; copy-on-write: reader 1 / writer 2), or evolves an existing one with metadata-only changes —
/// new source columns are added (nullable), types Delta can widen are widened, columns the source dropped are kept,
/// NOT NULL columns the source relaxed to NULL are relaxed (Delta cannot tighten a column existing files may break, so a
/// source column that became NOT NULL stays nullable in the lake). A type change Delta cannot apply in place is refused
/// with the fix. Idempotent: a second run changes nothing.
/// </summary>
public sealed partial class LakeSchemaMigrator(LakeTables tables, ILogger logger)
{
    public Task<LakeMigration> MigrateAsync(TableMapping mapping, string lakeTable, WriteMode writeMode, string jobName, CancellationToken cancellationToken) =>
        MigrateAsync(mapping, lakeTable, writeMode, jobName, new Dictionary<string, string>(), cancellationToken);

    /// <param name="creationProperties">
    /// Table properties a table created here starts with (beside the source schema), so what the caller would record next
    /// is in the creating commit instead of one more commit; an existing table does not get them.
    /// </param>
    public async Task<LakeMigration> MigrateAsync(
        TableMapping mapping, string lakeTable, WriteMode writeMode, string jobName, IReadOnlyDictionary<string, string> creationProperties, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(creationProperties);
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

                // The source schema the table's rows follow, kept in the table: writers map the change log by it until a DDL
                // in the log moves it on, not by the source's schema of the day they start (which may already be past a DDL
                // they have still to apply).
                Configuration = new Dictionary<string, string>(creationProperties, StringComparer.Ordinal) { [LakeSourceSchema.Property] = LakeSourceSchema.Write(mapping.Table) },
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
            var relaxed = new List<string>();
            foreach (var field in mapping.DeltaFields)
            {
                foreach (var change in Changes(mapping, lakeTable, table, field, added, widened, relaxed))
                {
                    var tx = table.BeginTransaction("CHANGE COLUMN").UpdateMetadata(change.Metadata);
                    if (change.Protocol is not null)
                    {
                        tx.UpdateProtocol(change.Protocol);
                    }

                    await table.CommitAsync(tx, cancellationToken).ConfigureAwait(false);
                }
            }

            if (added.Count > 0 || widened.Count > 0 || relaxed.Count > 0)
            {
                // The rows from here on follow the source's schema of now.
                var configuration = new Dictionary<string, string>(table.Snapshot.Metadata.Configuration, StringComparer.Ordinal)
                {
                    [LakeSourceSchema.Property] = LakeSourceSchema.Write(mapping.Table),
                };
                configuration.Remove(LakeSourceSchema.WriterProperty);
                await table.CommitAsync(table.BeginTransaction("SET TBLPROPERTIES").UpdateMetadata(table.Snapshot.Metadata with { Configuration = configuration }), cancellationToken).ConfigureAwait(false);
                tables.Invalidate(lakeTable);
                LogEvolved(logger, lakeTable, string.Join(", ", added), string.Join(", ", widened), string.Join(", ", relaxed));
            }

            var lakeOnly = table.Snapshot.Schema.Fields
                .Where(f => !mapping.DeltaFields.Any(m => string.Equals(m.Name, f.Name, StringComparison.OrdinalIgnoreCase)))
                .Select(f => f.Name)
                .ToList();
            return new LakeMigration(lakeTable, table.Snapshot.Version, created, added, widened, lakeOnly) { RelaxedColumns = relaxed };
        }
        finally
        {
            handle.Gate.Release();
        }
    }

    /// <summary>
    /// The schema changes that bring one lake column to <paramref name="field"/>: add it, or widen its type, then relax
    /// NOT NULL when the source allows null. Each is built from the table's snapshot when enumerated, so after the caller
    /// committed the one before.
    /// </summary>
    private static IEnumerable<SchemaEvolution.Change> Changes(
        TableMapping mapping, string lakeTable, DeltaTable table, StructField field, List<string> added, List<string> widened, List<string> relaxed)
    {
        var source = mapping.Table.QualifiedName;
        var existing = table.Snapshot.Schema.FindField(field.Name);
        if (existing is null)
        {
            added.Add(field.Name);
            yield return SchemaEvolution.AddColumn(table.Snapshot, field with { Nullable = true });
            yield break;
        }

        if (!existing.Type.Equals(field.Type))
        {
            SchemaEvolution.Change change;
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
            yield return change;
        }

        if (!existing.Nullable && field.Nullable)
        {
            relaxed.Add(field.Name);
            yield return SchemaEvolution.RelaxNullability(table.Snapshot, existing.Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created lake table {LakeTable} for {Source} with {Columns} columns")]
    private static partial void LogCreated(ILogger logger, string lakeTable, string source, int columns);

    [LoggerMessage(Level = LogLevel.Information, Message = "Evolved lake table {LakeTable}: added [{Added}], widened [{Widened}], made nullable [{Relaxed}]")]
    private static partial void LogEvolved(ILogger logger, string lakeTable, string added, string widened, string relaxed);
}
