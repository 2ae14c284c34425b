using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.Delta.Actions;
using Serverless.Delta.Log;
using Serverless.Delta.Schema;
using Serverless.Delta.Transactions;
using Serverless.Storage;

namespace Serverless.Delta;

/// <summary>
/// A Delta table: create or open it, read snapshots, and start transactions against the latest snapshot.
/// </summary>
public sealed class DeltaTable
{
    private DeltaTable(DeltaLog log, Snapshot snapshot, CommitOptions options, ILogger? logger)
    {
        Log = log;
        Snapshot = snapshot;
        Options = options;
        Logger = logger;
    }

    public DeltaLog Log { get; }

    public TableLocation Location => Log.Table;

    /// <summary>The latest snapshot this instance knows (refreshed by <see cref="RefreshAsync"/> and by commits through <see cref="CommitAsync"/>).</summary>
    public Snapshot Snapshot { get; private set; }

    public CommitOptions Options { get; }

    internal ILogger? Logger { get; }

    public static async Task<DeltaTable> OpenAsync(TableLocation location, ICheckpointFormat? checkpointFormat = null, CommitOptions? options = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var log = new DeltaLog(location, checkpointFormat);
        var snapshot = await log.LoadAsync(null, cancellationToken).ConfigureAwait(false);
        return new DeltaTable(log, snapshot, options ?? CommitOptions.Default, logger);
    }

    /// <summary>Creates the table by committing version 0 (protocol, metaData, commitInfo); fails when one exists.</summary>
    public static async Task<DeltaTable> CreateAsync(TableLocation location, TableDefinition definition, ICheckpointFormat? checkpointFormat = null, CommitOptions? options = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(definition);
        var (protocol, metadata) = BuildInitialActions(definition);
        var opts = options ?? CommitOptions.Default;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var commitInfo = new CommitInfoAction(
            now,
            "CREATE TABLE",
            new Dictionary<string, string>
            {
                ["partitionBy"] = JsonSerializer.Serialize(definition.PartitionColumns),
                ["description"] = definition.Description ?? string.Empty,
                ["isManaged"] = "false",
                ["properties"] = JsonSerializer.Serialize(metadata.Configuration),
            },
            new Dictionary<string, string>(),
            opts.EngineInfo,
            null,
            null,
            true,
            Guid.NewGuid().ToString());
        try
        {
            await location.Store.PutIfAbsentAsync(location.CommitPath(0), ActionJson.WriteCommit([commitInfo, protocol, metadata]), cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectAlreadyExistsException e)
        {
            throw new TableAlreadyExistsException(location.Store.Location + "/" + location.RootPath) { Source = e.Source };
        }

        return await OpenAsync(location, checkpointFormat, opts, logger, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens the table, creating it from <paramref name="definition"/> when the location holds none (a concurrent creator wins cleanly).</summary>
    public static async Task<DeltaTable> OpenOrCreateAsync(TableLocation location, TableDefinition definition, ICheckpointFormat? checkpointFormat = null, CommitOptions? options = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (await new DeltaLog(location, checkpointFormat).ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return await OpenAsync(location, checkpointFormat, options, logger, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await CreateAsync(location, definition, checkpointFormat, options, logger, cancellationToken).ConfigureAwait(false);
        }
        catch (TableAlreadyExistsException)
        {
            return await OpenAsync(location, checkpointFormat, options, logger, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reloads the latest snapshot, replaying only new commits.</summary>
    public async Task<Snapshot> RefreshAsync(CancellationToken cancellationToken = default)
    {
        Snapshot = await Log.UpdateAsync(Snapshot, cancellationToken).ConfigureAwait(false);
        return Snapshot;
    }

    /// <summary>Starts a transaction against the latest known snapshot.</summary>
    public DeltaTransaction BeginTransaction(string operation = "WRITE") => new(Log, Snapshot, operation, Options, Logger);

    /// <summary>Commits a transaction and moves this table's snapshot forward to the result.</summary>
    public async Task<CommitResult> CommitAsync(DeltaTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var result = await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (result.Snapshot.Version >= Snapshot.Version)
        {
            Snapshot = result.Snapshot;
        }

        return result;
    }

    internal static (ProtocolAction Protocol, MetadataAction Metadata) BuildInitialActions(TableDefinition definition)
    {
        if (definition.Columns.Count == 0)
        {
            throw new DeltaSchemaException("A table needs at least one column.");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in definition.Columns)
        {
            if (!names.Add(c.Name))
            {
                throw new DeltaSchemaException($"Column name '{c.Name}' appears twice (Delta column names are case-insensitive).");
            }
        }

        foreach (var p in definition.PartitionColumns)
        {
            if (!names.Contains(p))
            {
                throw new DeltaSchemaException($"Partition column '{p}' is not one of the table's columns.");
            }
        }

        var hasNtz = definition.Columns.Any(c => ContainsType(c.Type, PrimitiveType.TimestampNtz));
        var configuration = new Dictionary<string, string>(definition.Configuration, StringComparer.Ordinal);
        IReadOnlyList<StructField> columns = definition.Columns;
        ProtocolAction protocol;
        if (definition.Mode == TableProtocolMode.Default)
        {
            var features = new List<string> { TableFeatures.DeletionVectors, TableFeatures.ColumnMapping };
            if (hasNtz)
            {
                features.Add(TableFeatures.TimestampNtz);
            }

            protocol = new ProtocolAction(3, 7, features, features);
            var id = 0L;
            columns = definition.Columns.Select(c => AssignColumnMapping(c, ref id)).ToList();
            configuration["delta.enableDeletionVectors"] = "true";
            configuration["delta.columnMapping.mode"] = "name";
            configuration["delta.columnMapping.maxColumnId"] = id.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            // timestamp_ntz exists only as a table feature, so a copy-on-write table with such a column takes the smallest protocol that has it.
            protocol = hasNtz
                ? new ProtocolAction(3, 7, [TableFeatures.TimestampNtz], [TableFeatures.TimestampNtz])
                : new ProtocolAction(1, 2);
        }

        var metadata = new MetadataAction(
            Guid.NewGuid().ToString(),
            definition.Name,
            definition.Description,
            FileFormat.Parquet,
            SchemaJson.Serialize(new StructType(columns)),
            definition.PartitionColumns,
            configuration,
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        return (protocol, metadata);
    }

    /// <summary>Gives a field (and nested fields) column-mapping ids and physical names, counting ids up from <paramref name="lastId"/>.</summary>
    internal static StructField AssignColumnMapping(StructField field, ref long lastId)
    {
        var type = field.Type;
        if (type is StructType s)
        {
            var nested = new List<StructField>(s.Fields.Count);
            foreach (var f in s.Fields)
            {
                nested.Add(AssignColumnMapping(f, ref lastId));
            }

            type = new StructType(nested);
        }

        lastId++;
        var meta = new Dictionary<string, JsonElement>(field.Metadata, StringComparer.Ordinal)
        {
            [StructField.ColumnMappingIdKey] = JsonSerializer.SerializeToElement(lastId),
            [StructField.PhysicalNameKey] = JsonSerializer.SerializeToElement("col-" + Guid.NewGuid().ToString("D")),
        };
        return field with { Type = type, Metadata = meta };
    }

    internal static bool ContainsType(DeltaType type, DeltaType wanted) => type switch
    {
        StructType s => s.Fields.Any(f => ContainsType(f.Type, wanted)),
        ArrayType a => ContainsType(a.ElementType, wanted),
        MapType m => ContainsType(m.KeyType, wanted) || ContainsType(m.ValueType, wanted),
        _ => type.Equals(wanted),
    };
}
