using Microsoft.Extensions.Logging;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.MySql.Binlog.Events;

namespace Serverless.Cdc.Capture;

/// <summary>
/// What capture knows per table: whether the job captures it, its schema version (bumped by each DDL on it), the
/// columns of its key in the binlog's row image, and its partition spread. Key columns come from the job's key
/// override, else the primary key the binlog's table map names (binlog_row_metadata=FULL), else the key discovery
/// chose (a unique NOT NULL index); a table with none of them gets an empty key, logged once.
/// </summary>
internal sealed class CapturedTables(CaptureOptions options, ILogger log)
{
    private readonly Dictionary<string, long> versions = new(options.SchemaVersions, StringComparer.Ordinal);
    private readonly Dictionary<string, SourceTable> discovered = options.DiscoveredTables.ToDictionary(t => t.QualifiedName, StringComparer.Ordinal);
    private readonly HashSet<string> known = new(options.DiscoveredTables.Select(t => t.QualifiedName), StringComparer.Ordinal);
    private readonly HashSet<string> warnedWithoutKey = new(StringComparer.Ordinal);
    private TableMapEvent? lastMap;
    private int[] lastKey = [];

    public TableSelection Selection => options.Tables;

    public bool Includes(string database, string table) => options.Tables.Matches(database, table);

    public bool Includes(TableMapEvent map) => options.Tables.Matches(map.DatabaseName, map.TableName);

    public int SpreadOf(string qualifiedTable) => options.Spread.TryGetValue(qualifiedTable, out var spread) && spread > 1 ? spread : 1;

    /// <summary>Restores the counters a checkpoint recorded (they include every DDL before it).</summary>
    public void Restore(IReadOnlyDictionary<string, long> checkpointed)
    {
        foreach (var (table, version) in checkpointed)
        {
            versions[table] = version;
            known.Add(table);
        }
    }

    public IReadOnlyDictionary<string, long> VersionsSnapshot() => new Dictionary<string, long>(versions, StringComparer.Ordinal);

    public long VersionOf(string qualifiedTable) => versions.TryGetValue(qualifiedTable, out var v) ? v : 1;

    /// <summary>A DDL changed the table: its next rows follow a new version, which the DDL event carries.</summary>
    public long Bump(string qualifiedTable, bool created)
    {
        known.Add(qualifiedTable);
        var current = versions.TryGetValue(qualifiedTable, out var v) ? v : created ? 0 : 1;
        versions[qualifiedTable] = current + 1;
        return current + 1;
    }

    /// <summary>The captured tables capture knows of in <paramref name="database"/> (for DROP DATABASE).</summary>
    public IReadOnlyList<string> KnownIn(string database) =>
        known.Where(t => t.StartsWith(database + ".", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Indexes of the key columns in the table map's row image, in key order.</summary>
    public int[] KeyColumns(TableMapEvent map)
    {
        if (ReferenceEquals(map, lastMap))
        {
            return lastKey;
        }

        var qualified = map.DatabaseName + "." + map.TableName;
        known.Add(qualified);
        var key = Resolve(map, qualified);
        lastMap = map;
        lastKey = key;
        return key;
    }

    private int[] Resolve(TableMapEvent map, string qualified)
    {
        if (options.KeyOverrides.TryGetValue(qualified, out var overridden) && ByName(map, overridden) is { } byOverride)
        {
            return byOverride;
        }

        if (map.PrimaryKey.Count > 0)
        {
            return map.PrimaryKey.Select(c => c.Index).ToArray();
        }

        if (discovered.TryGetValue(qualified, out var table) && table.HasKey)
        {
            if (ByName(map, table.KeyColumns) is { } byName)
            {
                return byName;
            }

            // Without column names in the binlog (binlog_row_metadata=MINIMAL) discovery's ordinals are the best guide.
            if (!map.HasColumnNames)
            {
                var ordinals = table.KeyColumnDefinitions().Select(c => c.Ordinal - 1).ToArray();
                if (ordinals.All(o => o < map.Columns.Count))
                {
                    return ordinals;
                }
            }
        }

        if (warnedWithoutKey.Add(qualified))
        {
            log.LogWarning(
                "Table {Table} has no key capture can use (no key override, no primary key in the binlog, no unique NOT NULL key from discovery); its changes carry an empty key. Add a key override for it to the job",
                qualified);
        }

        return [];
    }

    private static int[]? ByName(TableMapEvent map, IReadOnlyList<string> names)
    {
        if (!map.HasColumnNames)
        {
            return null;
        }

        var indexes = new int[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            var column = map.Columns.FirstOrDefault(c => string.Equals(c.Name, names[i], StringComparison.OrdinalIgnoreCase));
            if (column is null)
            {
                return null;
            }

            indexes[i] = column.Index;
        }

        return indexes;
    }
}
