using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Cdc.Capture;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Writer;
using Serverless.Delta;
using Serverless.Delta.Schema;
using Serverless.Delta.Transactions;
using DeltaSnapshot = Serverless.Delta.Log.Snapshot;

namespace Serverless.Cdc.Schema.Evolution;

/// <summary>
/// The schema-change handler that evolves lake tables with the DDL from the binlog, in order with the rows around it and
/// per the job's <see cref="SchemaChangeBehavior"/>: each statement is parsed (<see cref="DdlParser"/>), applied to the
/// writer's source schema (so the rows after it convert by the new mapping) and to the lake table as one metadata-only
/// commit (<see cref="SchemaEvolution"/>; renames and drops through column mapping, type changes by typeWidening),
/// TRUNCATE as one commit that removes every file, DROP TABLE by no longer writing the table (its lake table is kept), and
/// CREATE TABLE of a table in the job by creating its lake table, live at once (all its rows follow its CREATE in the
/// binlog). What cannot be applied in order stops the table with an exception that names the fix.
/// <para>
/// A DDL the writer sees again (a restart before the rows after it were committed) changes nothing twice: each commit
/// records the DDL's source position in the table property <see cref="DdlPositionProperty"/> and the source schema after it
/// (<see cref="LakeSourceSchema"/>, which a restarted writer maps the table by), and a DDL at or below the recorded position
/// is skipped. Each change is also checked against the lake first (a column the snapshot's migration of a table that was
/// still loading already added is not added again).
/// </para>
/// </summary>
public sealed partial class SchemaChangeEvolver : ISchemaChangeHandler
{
    /// <summary>The table property holding the source position (sort key) of the last DDL committed to the table.</summary>
    public const string DdlPositionProperty = "serverless.cdc.ddlPosition";

    /// <summary>How many times a statement whose backfill lost its commit to a concurrent rewrite (the compactor) is done again.</summary>
    private const int MaxBackfillAttempts = 3;

    private readonly SchemaChangeOptions options;
    private readonly ILogger logger;

    public SchemaChangeEvolver(SchemaChangeOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.LakeLocation);
        this.options = options;
        this.logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The handler of <paramref name="spec"/>'s job; <paramref name="lakeLocation"/> gives a source table's lake table by (database, table).</summary>
    public SchemaChangeEvolver(JobSpec spec, Func<string, string, TableLocation> lakeLocation, ILogger? logger = null)
        : this(SchemaChangeOptions.ForJob(spec, lakeLocation), logger)
    {
    }

    private SchemaChangeBehavior Behavior => options.Behavior;

    public async ValueTask<WriterTable?> HandleAsync(ChangeEvent ddl, WriterTable? table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ddl);
        var parsed = DdlParser.Parse(ddl.Sql ?? string.Empty);
        switch (parsed)
        {
            case AlterTableDdl alter when alter.Clauses.OfType<RenameTableClause>().FirstOrDefault() is { } rename:
                return Rename(ddl, [(alter.Table, rename.To)], table);
            case AlterTableDdl alter:
                return table is null ? null : await AlterAsync(ddl, alter, table, cancellationToken).ConfigureAwait(false);
            case CreateTableDdl create:
                return await CreateAsync(ddl, create, table, cancellationToken).ConfigureAwait(false);
            case DropTableDdl or DropDatabaseDdl:
                return Drop(ddl, table);
            case RenameTableDdl rename:
                return Rename(ddl, rename.Renames, table);
            case TruncateTableDdl:
                return table is null ? null : await TruncateAsync(ddl, table, cancellationToken).ConfigureAwait(false);
            default:
                return table;
        }
    }

    private async Task<WriterTable> AlterAsync(ChangeEvent ddl, AlterTableDdl alter, WriterTable table, CancellationToken cancellationToken, int attempt = 1)
    {
        var snapshot = await table.Lake.RefreshAsync(cancellationToken).ConfigureAwait(false);
        var replay = IsReplay(snapshot, ddl);
        if (replay && LakeSourceSchema.Read(snapshot) is { } recorded && SameSchema(recorded, table.Mapping.Table))
        {
            // Applied before a restart: the writer mapped the table by the schema the lake recorded with it.
            LogApplied(logger, table.QualifiedName, ddl.Position.ToString(), Name(Behavior), "already in the lake", Shorten(ddl.Sql));
            return table;
        }

        // A replay with an older mapping (another writer of a spread table applied the DDL first) only moves the mapping on.
        var source = new SourceTableEdit(table.Mapping.Table);
        var lake = new LakeSchemaEdit(snapshot) { Dry = replay };
        var said = new List<string>();
        foreach (var clause in alter.Clauses)
        {
            switch (clause)
            {
                case AddColumnClause add:
                    AddColumn(ddl, table, add, source, lake, said);
                    break;
                case DropColumnClause drop:
                    DropColumn(ddl, table, drop, source, lake, said);
                    break;
                case RenameColumnClause rename:
                    var renamed = source.Find(rename.From) ?? throw Missing(table, rename.From);
                    ChangeColumn(ddl, table, new ChangeColumnClause(rename.From, Definition(renamed, rename.To), ColumnPlacement.Default, false) { Text = rename.Text }, source, lake, said);
                    break;
                case ChangeColumnClause change:
                    ChangeColumn(ddl, table, change, source, lake, said);
                    break;
                case AddPrimaryKeyClause primary:
                    source.Key.Clear();
                    source.Key.AddRange(primary.Columns.Select(c => source.Find(c)?.Name ?? throw Missing(table, c)));
                    source.KeyChanged = true;
                    break;
                case DropPrimaryKeyClause:
                    source.Key.Clear();
                    source.KeyChanged = true;
                    break;
                default:
                    break;
            }
        }

        var evolved = source.Build();
        if (source.KeyChanged)
        {
            evolved = NewKey(ddl, table, evolved, said);
        }

        var moved = !SameSchema(evolved, table.Mapping.Table);
        var outcome = replay ? "applied already by another writer of the table" : lake.Changed ? "committed" : moved ? "mapping recorded, lake schema unchanged" : "no lake change";
        if (!replay && (lake.Changed || moved))
        {
            // One commit: the schema change with the DDL's position and the source schema the rows after it follow, and
            // the files rewritten with the values the source gave the existing rows (uploaded before it, orphans without it).
            var backfill = ColumnBackfillRewrite.Plan(ddl, lake);
            if (!backfill.IsEmpty && Behavior == SchemaChangeBehavior.Fail)
            {
                throw Rejected(ddl, table.QualifiedName, ddl.Sql ?? string.Empty);
            }

            await backfill.RewriteAsync(cancellationToken).ConfigureAwait(false);
            var tx = table.Lake.BeginTransaction("CHANGE COLUMN").WithOperation("CHANGE COLUMN", new Dictionary<string, string> { ["statement"] = Shorten(ddl.Sql) });
            lake.Stage(tx, Recorded(ddl, evolved, table.WriterAppId));
            backfill.Stage(tx, said);
            try
            {
                await table.Lake.CommitAsync(tx, cancellationToken).ConfigureAwait(false);
            }
            catch (CommitConflictException e)
            {
                await backfill.AbandonAsync(table.Lake.Location, cancellationToken).ConfigureAwait(false);

                // Another writer of a spread table may have committed the same DDL first: then its commit is this one's.
                if (!IsReplay(await table.Lake.RefreshAsync(cancellationToken).ConfigureAwait(false), ddl))
                {
                    if (backfill.IsEmpty || attempt >= MaxBackfillAttempts)
                    {
                        throw;
                    }

                    // The compactor rewrote a file the backfill replaces: do the statement again on the table as it is now.
                    LogBackfillRedone(logger, table.QualifiedName, ddl.Position.ToString(), e.Kind.ToString());
                    return await AlterAsync(ddl, alter, table, cancellationToken, attempt + 1).ConfigureAwait(false);
                }

                outcome = "applied by another writer of the table first";
            }
        }

        LogApplied(logger, table.QualifiedName, ddl.Position.ToString(), Name(Behavior), outcome, said.Count == 0 ? "nothing the lake holds" : string.Join("; ", said));
        return Rebind(table, evolved, ddl);
    }

    private void AddColumn(ChangeEvent ddl, WriterTable table, AddColumnClause add, SourceTableEdit source, LakeSchemaEdit lake, List<string> said)
    {
        if (source.Find(add.Column.Name) is not null)
        {
            if (add.IfNotExists)
            {
                return;
            }

            throw new TableNeedsSnapshotException(
                $"Table {table.QualifiedName}: '{add.Text}' adds column '{add.Column.Name}', which the writer's schema of the table already has. The writer's mapping no longer follows the source; re-snapshot the table.");
        }

        var column = add.Column.ToSourceColumn(0, source.TextCharacterSet);
        source.Insert(column, add.Placement);
        if (lake.Dry)
        {
            return;
        }

        if (Behavior == SchemaChangeBehavior.Ignore)
        {
            said.Add($"column {column.Name} not added to the lake (schemaChanges=ignore)");
            return;
        }

        Reject(ddl, table, add);
        var mapped = Map(table, column);

        // The value the source gave the rows that exist (its DEFAULT, or the type's implicit one when NOT NULL): the commit backfills it.
        var fill = ColumnBackfill.ForAddedColumn(add.Column, column, ddl, table.TypeMapping ?? options.TypeMapping, table.QualifiedName);
        var filled = fill is null ? string.Empty : $", the rows before it filled with {(add.Column.Default is { } given ? given.ToString() : "the implicit default")} ({ColumnBackfill.Show(fill)}) as at the source";
        if (lake.Find(column.Name) is { } existing)
        {
            // Added already: by the snapshot's migration of a table that was loading, or an earlier run.
            if (!existing.Type.Equals(mapped.DeltaType))
            {
                Widen(ddl, table, add, lake, existing, mapped.DeltaType, said);
            }

            if (fill is not null)
            {
                lake.Fills[existing.Name] = fill;
                said.Add($"column {column.Name} is in the lake already{filled}");
            }

            return;
        }

        lake.Add(new StructField(column.Name, mapped.DeltaType, nullable: true));
        if (fill is not null)
        {
            lake.Fills[column.Name] = fill;
        }

        said.Add(mapped.Nullable
            ? $"added column {column.Name} {mapped.DeltaType}{filled}"
            : $"added column {column.Name} {mapped.DeltaType}, nullable in the lake though NOT NULL at the source{filled}");
    }

    private void DropColumn(ChangeEvent ddl, WriterTable table, DropColumnClause drop, SourceTableEdit source, LakeSchemaEdit lake, List<string> said)
    {
        if (Existing(table, source, drop.Column, drop.IfExists) is not { } column)
        {
            return;
        }

        if (source.IsKey(column.Name))
        {
            throw new TableNeedsSnapshotException(
                $"Table {table.QualifiedName}: '{drop.Text}' drops key column '{column.Name}', so the lake's rows can no longer be merged by the key they were written with. Re-snapshot the table (with a key override in 'keys' if it has no primary key now).");
        }

        source.Remove(column.Name);
        if (lake.Dry)
        {
            return;
        }

        if (Behavior == SchemaChangeBehavior.Ignore && lake.Find(column.Name) is { Nullable: false })
        {
            throw new SchemaChangeRejectedException(
                $"Table {table.QualifiedName} stopped at '{drop.Text}' ({ddl.Position}): under schemaChanges=ignore the lake keeps column '{column.Name}', which is NOT NULL there, and the rows after the DDL have no value for it. " +
                "Every change before the DDL is in the lake; the rest stays in the change log. Set schemaChanges to lenient (keeps the column as nullable) or evolve and restart the writer, or re-snapshot the table.");
        }

        if (Behavior == SchemaChangeBehavior.Ignore || lake.Find(column.Name) is null)
        {
            said.Add(lake.Find(column.Name) is null ? $"column {column.Name} is not in the lake" : $"column {column.Name} is written as null from now on (schemaChanges=ignore)");
            return;
        }

        Reject(ddl, table, drop);
        if (Behavior == SchemaChangeBehavior.Evolve && lake.ColumnMapping)
        {
            lake.Drop(column.Name);
            said.Add($"dropped column {column.Name} (metadata only, through column mapping)");
            return;
        }

        var relaxed = lake.RelaxIfRequired(column.Name);
        said.Add($"kept dropped column {column.Name}{(relaxed ? " as nullable" : string.Empty)}, null from now on ({(Behavior == SchemaChangeBehavior.Lenient ? "schemaChanges=lenient" : "the lake table has no column mapping, so a drop cannot be metadata-only")})");
    }

    /// <summary>CHANGE, MODIFY and RENAME COLUMN: the name first (rename through column mapping), then the type (widen), then nullability (relax).</summary>
    private void ChangeColumn(ChangeEvent ddl, WriterTable table, ChangeColumnClause change, SourceTableEdit source, LakeSchemaEdit lake, List<string> said)
    {
        if (Existing(table, source, change.From, change.IfExists) is not { } old)
        {
            return;
        }

        var column = change.Column.ToSourceColumn(0, source.TextCharacterSet);
        var renamed = !string.Equals(old.Name, column.Name, StringComparison.Ordinal);
        var oldMapped = Map(table, old);
        var mapped = Map(table, column);
        var typeChanged = !oldMapped.DeltaType.Equals(mapped.DeltaType);
        if (Behavior == SchemaChangeBehavior.Ignore)
        {
            // The lake keeps its column: the rows after the DDL convert as before, and a value that no longer fits stops the table.
            source.Replace(old.Name, KeepType(old, column), change.Placement);
            if (renamed || typeChanged)
            {
                said.Add($"column {old.Name} left as it is in the lake (schemaChanges=ignore)");
            }

            return;
        }

        if (lake.Dry)
        {
            source.Replace(old.Name, column, change.Placement);
            return;
        }

        if (renamed || typeChanged || (mapped.Nullable && lake.Find(old.Name) is { Nullable: false }))
        {
            Reject(ddl, table, change);
        }

        source.Replace(old.Name, column, change.Placement);
        var lakeName = old.Name;
        if (renamed)
        {
            if (lake.Find(column.Name) is not null && lake.Find(old.Name) is null)
            {
                lakeName = column.Name;
            }
            else if (Behavior == SchemaChangeBehavior.Evolve && lake.ColumnMapping)
            {
                lake.Rename(old.Name, column.Name);
                lakeName = column.Name;
                said.Add($"renamed column {old.Name} to {column.Name} (metadata only, through column mapping)");
            }
            else
            {
                if (source.IsKey(column.Name))
                {
                    throw new TableNeedsSnapshotException(
                        $"Table {table.QualifiedName}: '{change.Text}' renames key column '{old.Name}', and under {(lake.ColumnMapping ? "schemaChanges=lenient" : "a lake table without column mapping")} the new name would be a new column that the lake's rows have no key in. Re-snapshot the table, or use schemaChanges=evolve on a column-mapped table.");
                }

                var relaxed = lake.RelaxIfRequired(old.Name);
                if (lake.Find(column.Name) is null)
                {
                    lake.Add(new StructField(column.Name, oldMapped.DeltaType, nullable: true));
                }

                lakeName = column.Name;
                said.Add($"renamed column {old.Name} to {column.Name} as a new column beside the old one{(relaxed ? " (now nullable)" : string.Empty)}, which is null from now on ({(Behavior == SchemaChangeBehavior.Lenient ? "schemaChanges=lenient" : "the lake table has no column mapping")})");
            }
        }

        if (lake.Find(lakeName) is { } field)
        {
            if (!field.Type.Equals(mapped.DeltaType))
            {
                Widen(ddl, table, change, lake, field, mapped.DeltaType, said);
            }

            if (mapped.Nullable && lake.RelaxIfRequired(lakeName))
            {
                said.Add($"column {lakeName} is nullable now");
            }
            else if (!mapped.Nullable && field.Nullable)
            {
                said.Add($"column {lakeName} is NOT NULL at the source and stays nullable in the lake (Delta cannot tighten a column)");
            }

            // The server gave the rows holding NULL the type's implicit default (it refuses the ALTER in strict mode instead).
            if (old.IsNullable && !column.IsNullable && ColumnBackfill.ForNullsMadeNotNull(column, ddl, table.TypeMapping ?? options.TypeMapping, table.QualifiedName) is { } fill)
            {
                lake.Fills[lakeName] = fill;
                said.Add($"nulls of column {lakeName} in the rows before the DDL become {ColumnBackfill.Show(fill)}, as the server filled them");
            }
        }
    }

    private void Widen(ChangeEvent ddl, WriterTable table, AlterClause clause, LakeSchemaEdit lake, StructField field, DeltaType to, List<string> said)
    {
        if (!SchemaEvolution.IsAllowedWidening(field.Type, to))
        {
            throw new TypeChangeNotWidenableException(
                $"Table {table.QualifiedName} stopped at '{clause.Text}' ({ddl.Position}) under schemaChanges={Name(Behavior)}: column '{field.Name}' changes from {field.Type} to {to}, which Delta cannot widen in place " +
                "(typeWidening allows byte→short→integer→long, float→double, integral→double, wider decimals and date→timestamp_ntz). " +
                "Every change before the DDL is in the lake and the rest stays in the change log. Re-snapshot the table into a new lake table, or add a new column at the source instead of changing the type.");
        }

        lake.Widen(field.Name, to);
        said.Add($"widened column {field.Name} from {field.Type} to {to} (typeWidening)");
    }

    /// <summary>The key after the statement: a primary key the lake can merge by, or the job's key override.</summary>
    private SourceTable NewKey(ChangeEvent ddl, WriterTable table, SourceTable evolved, List<string> said)
    {
        var before = table.Mapping.Table;
        if (before.KeySource == TableKeySource.Override)
        {
            said.Add("primary key changed at the source; the job's key override stays the merge key");
            return evolved with { KeyColumns = before.KeyColumns };
        }

        if (evolved.KeyColumns.Count == 0)
        {
            throw new TableNeedsSnapshotException(
                $"Table {table.QualifiedName} stopped at '{ddl.Sql}' ({ddl.Position}): it has no primary key now, so its changes cannot be merged by key. " +
                "Add a key override for it in the job spec ('keys') and re-snapshot the table.");
        }

        if (!evolved.KeyColumns.SequenceEqual(before.KeyColumns, StringComparer.OrdinalIgnoreCase))
        {
            said.Add($"primary key changed from ({string.Join(", ", before.KeyColumns)}) to ({string.Join(", ", evolved.KeyColumns)}): rows are merged by the new key from here on (the lake's rows are unique by it too, as the source's are)");
        }

        return evolved;
    }

    private async Task<WriterTable?> TruncateAsync(ChangeEvent ddl, WriterTable table, CancellationToken cancellationToken)
    {
        var snapshot = await table.Lake.RefreshAsync(cancellationToken).ConfigureAwait(false);
        if (IsReplay(snapshot, ddl) || Behavior == SchemaChangeBehavior.Ignore || Behavior == SchemaChangeBehavior.Lenient)
        {
            LogApplied(logger, table.QualifiedName, ddl.Position.ToString(), Name(Behavior), "no lake change", IsReplay(snapshot, ddl) ? "TRUNCATE already in the lake" : "TRUNCATE keeps the lake's rows");
            return table;
        }

        RejectStatement(ddl, table);
        await RemoveAllAsync(table.Lake, "TRUNCATE", ddl, table.Mapping.Table, table.WriterAppId, null, cancellationToken).ConfigureAwait(false);
        LogApplied(logger, table.QualifiedName, ddl.Position.ToString(), Name(Behavior), "committed", $"removed every file ({snapshot.Files.Count})");
        return table with { SchemaVersion = ddl.SchemaVersion };
    }

    private WriterTable? Drop(ChangeEvent ddl, WriterTable? table)
    {
        if (table is null)
        {
            return null;
        }

        if (Behavior == SchemaChangeBehavior.Ignore)
        {
            return table;
        }

        RejectStatement(ddl, table);
        LogLeft(logger, table.QualifiedName, ddl.Position.ToString(), ddl.Sql ?? string.Empty, "dropped at the source");
        return null;
    }

    private WriterTable? Rename(ChangeEvent ddl, IReadOnlyList<(DdlTableName From, DdlTableName To)> renames, WriterTable? table)
    {
        if (renames.Any(r => r.To.Is(ddl.Database, ddl.Table)))
        {
            throw new TableNeedsSnapshotException(
                $"Table {ddl.QualifiedTable} came into the job by '{ddl.Sql}' ({ddl.Position}): its rows were written under another name, so its lake table cannot be built from the changes after the rename. " +
                $"Snapshot {ddl.QualifiedTable} (the streaming host does so itself under schemaChanges evolve or lenient, holding its changes meanwhile; otherwise re-run the job's snapshot for it: its changes until then are not written).");
        }

        if (table is null || Behavior == SchemaChangeBehavior.Ignore)
        {
            return table;
        }

        RejectStatement(ddl, table);
        var to = renames.First(r => r.From.Is(ddl.Database, ddl.Table)).To;
        var inJob = options.Tables?.Matches(to.Database ?? ddl.Database, to.Name) ?? true;
        LogLeft(logger, table.QualifiedName, ddl.Position.ToString(), ddl.Sql ?? string.Empty, inJob ? $"renamed to {to}, which needs a snapshot of its own" : $"renamed to {to}, outside the job");
        return null;
    }

    private async Task<WriterTable?> CreateAsync(ChangeEvent ddl, CreateTableDdl create, WriterTable? table, CancellationToken cancellationToken)
    {
        var qualified = ddl.QualifiedTable;
        if (create.Columns.Count == 0)
        {
            throw new TableNeedsSnapshotException(
                $"Table {qualified} was created by '{ddl.Sql}' ({ddl.Position}), which does not list its columns{(create.LikeTable is null ? string.Empty : $" (LIKE {create.LikeTable})")}. Snapshot {qualified} (re-run the job's snapshot for it); its changes until then are not written.");
        }

        if (create.IfNotExists && table is not null)
        {
            // The table exists (the writer writes it), so the server created nothing, though it logged the statement.
            return table;
        }

        var source = NewSourceTable(ddl, create);
        var mapping = TypeMapper.Map(source, options.TypeMapping, table?.Mapping.SoftDelete ?? options.SoftDelete);
        var location = options.LakeLocation(ddl.Database, ddl.Table);
        DeltaTable lake;
        try
        {
            lake = table?.Lake ?? await DeltaTable.CreateAsync(
                location,
                new TableDefinition(mapping.DeltaFields)
                {
                    Mode = options.NewTableMode,
                    Name = location.RootPath.TrimEnd('/'),
                    Description = $"{qualified} replicated by job {options.JobName}, created at its CREATE TABLE",
                    Configuration = Recorded(ddl, source, null),
                },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            if (table is null)
            {
                await SnapshotCompletion.MarkAsync(lake, cancellationToken).ConfigureAwait(false);
                LogCreated(logger, qualified, location.RootPath, ddl.Position.ToString(), mapping.Columns.Count);
                return new WriterTable(mapping, lake) { TypeMapping = options.TypeMapping, SchemaVersion = ddl.SchemaVersion };
            }
        }
        catch (TableAlreadyExistsException)
        {
            lake = await DeltaTable.OpenAsync(location, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var snapshot = await lake.RefreshAsync(cancellationToken).ConfigureAwait(false);
        if (IsReplay(snapshot, ddl) || create.IfNotExists)
        {
            // Created before a restart, or IF NOT EXISTS over a table the lake has: the table as the lake recorded it.
            var recorded = LakeSourceSchema.Read(snapshot) ?? source;
            mapping = TypeMapper.Map(recorded, table?.TypeMapping ?? options.TypeMapping, table?.Mapping.SoftDelete ?? options.SoftDelete);
        }
        else
        {
            // The lake table is older than this CREATE (the table was dropped and is created again): it takes the new
            // table's shape, and under evolve its old rows go, as they did at the source.
            if (Behavior == SchemaChangeBehavior.Fail)
            {
                throw Rejected(ddl, qualified, ddl.Sql ?? string.Empty);
            }

            await ConformAsync(ddl, lake, mapping, cancellationToken).ConfigureAwait(false);
        }

        if (!SnapshotCompletion.IsComplete(lake.Snapshot))
        {
            await SnapshotCompletion.MarkAsync(lake, cancellationToken).ConfigureAwait(false);
        }

        var writerTable = (table ?? new WriterTable(mapping, lake) { TypeMapping = options.TypeMapping }) with { Mapping = mapping, Lake = lake, SchemaVersion = ddl.SchemaVersion };
        return writerTable;
    }

    /// <summary>An existing lake table takes a created table's shape: new columns added, types widened, old columns kept nullable; evolve removes its rows.</summary>
    private async Task ConformAsync(ChangeEvent ddl, DeltaTable lake, TableMapping mapping, CancellationToken cancellationToken)
    {
        var edit = new LakeSchemaEdit(lake.Snapshot);
        var said = new List<string>();
        if (Behavior != SchemaChangeBehavior.Ignore)
        {
            foreach (var field in mapping.DeltaFields)
            {
                if (edit.Find(field.Name) is not { } existing)
                {
                    edit.Add(field);
                    said.Add($"added column {field.Name}");
                }
                else if (!existing.Type.Equals(field.Type))
                {
                    Widen(ddl, new WriterTable(mapping, lake), new NoLakeChangeClause { Text = ddl.Sql ?? string.Empty }, edit, existing, field.Type, said);
                }
            }

            foreach (var field in edit.Current.Schema.Fields.ToArray())
            {
                if (!mapping.DeltaFields.Any(f => string.Equals(f.Name, field.Name, StringComparison.OrdinalIgnoreCase)) && edit.RelaxIfRequired(field.Name))
                {
                    said.Add($"kept column {field.Name} as nullable");
                }
            }
        }

        var removeRows = Behavior == SchemaChangeBehavior.Evolve;
        if (removeRows)
        {
            await RemoveAllAsync(lake, "CREATE OR REPLACE TABLE", ddl, mapping.Table, null, edit, cancellationToken).ConfigureAwait(false);
            said.Add($"removed the rows of the earlier table ({lake.Snapshot.Files.Count} files before)");
        }
        else if (edit.Changed)
        {
            var tx = lake.BeginTransaction("CHANGE COLUMN");
            edit.Stage(tx, Recorded(ddl, mapping.Table, null));
            await lake.CommitAsync(tx, cancellationToken).ConfigureAwait(false);
        }

        LogApplied(logger, ddl.QualifiedTable, ddl.Position.ToString(), Name(Behavior), "committed", "created again over its kept lake table: " + string.Join("; ", said));
    }

    private async Task RemoveAllAsync(DeltaTable lake, string operation, ChangeEvent ddl, SourceTable source, string? writer, LakeSchemaEdit? schema, CancellationToken cancellationToken)
    {
        var snapshot = lake.Snapshot;
        var tx = lake.BeginTransaction(operation).WithOperation(operation, new Dictionary<string, string> { ["statement"] = Shorten(ddl.Sql) });
        foreach (var file in snapshot.Files)
        {
            tx.Remove(file);
        }

        (schema ?? new LakeSchemaEdit(snapshot)).Stage(tx, Recorded(ddl, source, writer));
        await lake.CommitAsync(tx, cancellationToken).ConfigureAwait(false);
    }

    private SourceTable NewSourceTable(ChangeEvent ddl, CreateTableDdl create)
    {
        var columns = create.Columns.Select((c, i) => c.ToSourceColumn(i + 1, create.CharacterSet ?? "utf8mb4")).ToArray();
        var table = new SourceTable { Database = ddl.Database, Name = ddl.Table, Columns = columns };
        if (options.KeyOverrides.TryGetValue(table.QualifiedName, out var overridden))
        {
            return table with { KeyColumns = overridden.Select(k => columns.FirstOrDefault(c => string.Equals(c.Name, k, StringComparison.OrdinalIgnoreCase))?.Name ?? k).ToArray(), KeySource = TableKeySource.Override };
        }

        if (create.PrimaryKey.Count > 0)
        {
            return table with { KeyColumns = create.PrimaryKey.Select(k => table.Column(k).Name).ToArray(), KeySource = TableKeySource.PrimaryKey, KeyIndex = "PRIMARY" };
        }

        // As discovery chooses: the smallest unique key whose columns are all NOT NULL.
        var unique = create.UniqueKeys
            .Where(k => k.All(c => columns.Any(tc => string.Equals(tc.Name, c, StringComparison.OrdinalIgnoreCase) && !tc.IsNullable)))
            .OrderBy(k => k.Count)
            .FirstOrDefault();
        if (unique is null)
        {
            throw new TableNeedsSnapshotException(
                $"Table {table.QualifiedName} was created by '{ddl.Sql}' ({ddl.Position}) without a primary key or unique NOT NULL key, so its changes cannot be merged by key. " +
                "Add a key override for it in the job spec ('keys') and snapshot the table.");
        }

        return table with { KeyColumns = unique.Select(k => table.Column(k).Name).ToArray(), KeySource = TableKeySource.UniqueNotNull };
    }

    private WriterTable Rebind(WriterTable table, SourceTable evolved, ChangeEvent ddl) =>
        table with { Mapping = TypeMapper.Map(evolved, table.TypeMapping ?? options.TypeMapping, table.Mapping.SoftDelete), SchemaVersion = ddl.SchemaVersion };

    private MappedColumn Map(WriterTable table, SourceColumn column) =>
        TypeMapper.TryMap(column, table.TypeMapping ?? options.TypeMapping)
        ?? throw new UnsupportedColumnTypeException(table.QualifiedName, [column]);

    /// <summary>Under ignore, a changed column keeps the type the lake has (its new name, place and nullability are taken).</summary>
    private static SourceColumn KeepType(SourceColumn old, SourceColumn changed) => old with { Name = changed.Name, IsNullable = changed.IsNullable };

    private static ColumnDefinition Definition(SourceColumn column, string name) => new()
    {
        Name = name,
        DataType = column.DataType,
        ColumnType = column.ColumnType,
        Nullable = column.IsNullable,
        NumericPrecision = column.NumericPrecision,
        NumericScale = column.NumericScale,
        DatetimePrecision = column.DatetimePrecision,
        CharacterSet = column.CharacterSet,
        Extra = column.Extra,
    };

    private void Reject(ChangeEvent ddl, WriterTable table, AlterClause clause)
    {
        if (Behavior == SchemaChangeBehavior.Fail)
        {
            throw Rejected(ddl, table.QualifiedName, clause.Text);
        }
    }

    private void RejectStatement(ChangeEvent ddl, WriterTable table)
    {
        if (Behavior == SchemaChangeBehavior.Fail)
        {
            throw Rejected(ddl, table.QualifiedName, ddl.Sql ?? string.Empty);
        }
    }

    private static SchemaChangeRejectedException Rejected(ChangeEvent ddl, string table, string what) => new(
        $"Table {table} stopped at '{what}' ({ddl.Position}): the job's schemaChanges is 'fail', which stops a table at any DDL that changes its lake table. " +
        "Every change before the DDL is in the lake; the rest stays in the change log. Re-snapshot the table, or set schemaChanges to evolve, lenient or ignore and restart the writer.");

    /// <summary>The column a clause names, or null when it is missing and the clause says IF EXISTS (the server skipped it too).</summary>
    private static SourceColumn? Existing(WriterTable table, SourceTableEdit source, string name, bool ifExists) =>
        source.Find(name) ?? (ifExists ? null : throw Missing(table, name));

    private static TableNeedsSnapshotException Missing(WriterTable table, string column) => new(
        $"Table {table.QualifiedName}: the DDL names column '{column}', which the writer's schema of the table ({string.Join(", ", table.Mapping.Table.Columns.Select(c => c.Name))}) does not have. " +
        "The writer's mapping no longer follows the source; re-snapshot the table.");

    private static bool SameSchema(SourceTable a, SourceTable b) => string.Equals(LakeSourceSchema.Write(a), LakeSourceSchema.Write(b), StringComparison.Ordinal);

    /// <summary>
    /// The source position (<see cref="SourcePosition.SortKey"/>) of the last DDL applied to the table, when the writer
    /// <paramref name="appId"/> applied it (or no writer is named), else null. Every row change of the table below it
    /// was in that writer's partition before the DDL and committed before it; one met again later is a re-published copy.
    /// </summary>
    public static UInt128? AppliedDdlPosition(DeltaSnapshot snapshot, string appId)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return LakeSourceSchema.AppliedBy(snapshot, appId) &&
            UInt128.TryParse(snapshot.Metadata.GetConfiguration(DdlPositionProperty), NumberStyles.None, CultureInfo.InvariantCulture, out var recorded)
            ? recorded
            : null;
    }

    private static bool IsReplay(DeltaSnapshot snapshot, ChangeEvent ddl) =>
        UInt128.TryParse(snapshot.Metadata.GetConfiguration(DdlPositionProperty), NumberStyles.None, CultureInfo.InvariantCulture, out var recorded) && ddl.SourcePosition.SortKey <= recorded;

    /// <summary>
    /// The table properties a DDL commit records: its position (so it is never applied twice), the source schema after it,
    /// and the writer that applied it (only that writer's rows are known to follow the schema from its txn version on).
    /// </summary>
    private static Dictionary<string, string> Recorded(ChangeEvent ddl, SourceTable source, string? writer)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [DdlPositionProperty] = ddl.SourcePosition.SortKey.ToString(CultureInfo.InvariantCulture),
            [LakeSourceSchema.Property] = LakeSourceSchema.Write(source),
            [LakeSourceSchema.WriterProperty] = writer ?? string.Empty,
        };
        return properties;
    }

    private static string Shorten(string? sql) => sql is null ? string.Empty : sql.Length <= 1000 ? sql : sql[..1000];

    private static string Name(SchemaChangeBehavior behavior) => behavior.ToString().ToLowerInvariant();

    [LoggerMessage(Level = LogLevel.Information, Message = "{Table}: DDL at {Position} under schemaChanges={Behavior} ({Outcome}): {Changes}")]
    private static partial void LogApplied(ILogger logger, string table, string position, string behavior, string outcome, string changes);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Table}: the backfill of the DDL at {Position} lost its commit to a concurrent rewrite ({Conflict}); doing the statement again on the table as it is now")]
    private static partial void LogBackfillRedone(ILogger logger, string table, string position, string conflict);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Table} is no longer written from {Position} ('{Sql}'): {Why}; its lake table is kept as it is")]
    private static partial void LogLeft(ILogger logger, string table, string position, string sql, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Table} created mid-stream: lake table {Lake} created at {Position} with {Columns} columns, live at once")]
    private static partial void LogCreated(ILogger logger, string table, string lake, string position, int columns);
}
