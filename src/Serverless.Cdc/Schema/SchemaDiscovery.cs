using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Cdc.Jobs;
using Serverless.MySql.Client;

namespace Serverless.Cdc.Schema;

/// <summary>
/// Reads the included tables from information_schema: TABLES (row estimate, data length), COLUMNS, and STATISTICS for
/// the primary key or, without one, the smallest unique index on NOT NULL columns; a job's key override replaces both.
/// </summary>
public static class SchemaDiscovery
{
    private static readonly string[] SystemDatabases = ["mysql", "information_schema", "performance_schema", "sys"];

    /// <summary>The base tables matching <paramref name="selection"/>, ordered by database and name.</summary>
    public static async Task<IReadOnlyList<SourceTable>> DiscoverAsync(
        MySqlConnection connection,
        TableSelection selection,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? keyOverrides = null,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(selection);
        logger ??= NullLogger.Instance;
        keyOverrides ??= new Dictionary<string, IReadOnlyList<string>>();

        var tableRows = await connection.QueryTextRowsAsync(
            "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_ROWS, DATA_LENGTH, ENGINE FROM information_schema.TABLES " +
            "WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN (" + string.Join(", ", SystemDatabases.Select(SqlText.String)) + ") " +
            "ORDER BY TABLE_SCHEMA, TABLE_NAME",
            cancellationToken).ConfigureAwait(false);
        var included = tableRows.Where(r => selection.Matches(r[0]!, r[1]!)).ToList();
        if (included.Count == 0)
        {
            return [];
        }

        var databases = string.Join(", ", included.Select(r => r[0]!).Distinct(StringComparer.Ordinal).Select(SqlText.String));
        var columnRows = await connection.QueryTextRowsAsync(
            "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, " +
            "NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION, CHARACTER_SET_NAME, EXTRA FROM information_schema.COLUMNS " +
            $"WHERE TABLE_SCHEMA IN ({databases}) ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION",
            cancellationToken).ConfigureAwait(false);
        var indexRows = await connection.QueryTextRowsAsync(
            "SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART FROM information_schema.STATISTICS " +
            $"WHERE TABLE_SCHEMA IN ({databases}) ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
            cancellationToken).ConfigureAwait(false);

        var columnsByTable = columnRows
            .GroupBy(r => (r[0]!, r[1]!))
            .ToDictionary(g => g.Key, g => (IReadOnlyList<SourceColumn>)g.Select(ParseColumn).ToArray());
        var indexesByTable = indexRows
            .GroupBy(r => (r[0]!, r[1]!))
            .ToDictionary(g => g.Key, g => g.GroupBy(r => r[2]!, StringComparer.Ordinal).Select(ParseIndex).ToArray());

        var tables = new List<SourceTable>(included.Count);
        foreach (var r in included)
        {
            var key = (r[0]!, r[1]!);
            if (!columnsByTable.TryGetValue(key, out var columns))
            {
                // Dropped between the two queries.
                continue;
            }

            var table = new SourceTable
            {
                Database = r[0]!,
                Name = r[1]!,
                Columns = columns,
                RowEstimate = ParseLong(r[2]),
                DataLength = ParseLong(r[3]),
                Engine = r[4],
            };
            table = ChooseKey(table, indexesByTable.GetValueOrDefault(key) ?? [], keyOverrides.GetValueOrDefault(table.QualifiedName));
            if (!table.HasKey)
            {
                logger.LogWarning("Table {Table} has no primary key, no unique NOT NULL key and no key override", table.QualifiedName);
            }

            tables.Add(table);
        }

        return tables;
    }

    private sealed record IndexInfo(string Name, bool IsUnique, IReadOnlyList<string> Columns, bool HasPrefixPart);

    private static IndexInfo ParseIndex(IGrouping<string, string?[]> rows) => new(
        rows.Key,
        rows.First()[3] == "0",
        rows.OrderBy(r => ParseLong(r[4])).Select(r => r[5]!).ToArray(),
        rows.Any(r => r[6] is not null));

    private static SourceTable ChooseKey(SourceTable table, IReadOnlyList<IndexInfo> indexes, IReadOnlyList<string>? overrideColumns)
    {
        if (overrideColumns is not null)
        {
            // Validated by preflight (columns exist); keep the names as the table spells them.
            var names = overrideColumns.Select(n => table.Columns.FirstOrDefault(c => string.Equals(c.Name, n, StringComparison.OrdinalIgnoreCase))?.Name ?? n).ToArray();
            var backing = indexes.FirstOrDefault(i => !i.HasPrefixPart && i.Columns.Count >= names.Length &&
                i.Columns.Take(names.Length).SequenceEqual(names, StringComparer.OrdinalIgnoreCase));
            return table with { KeyColumns = names, KeySource = TableKeySource.Override, KeyIndex = backing?.Name };
        }

        var primary = indexes.FirstOrDefault(i => i.Name == "PRIMARY");
        if (primary is not null)
        {
            return table with { KeyColumns = primary.Columns, KeySource = TableKeySource.PrimaryKey, KeyIndex = primary.Name };
        }

        var unique = indexes
            .Where(i => i.IsUnique && !i.HasPrefixPart && i.Columns.All(c => table.Columns.Any(tc => tc.Name == c && !tc.IsNullable)))
            .OrderBy(i => i.Columns.Count)
            .ThenBy(i => i.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        return unique is null
            ? table with { KeySource = TableKeySource.None }
            : table with { KeyColumns = unique.Columns, KeySource = TableKeySource.UniqueNotNull, KeyIndex = unique.Name };
    }

    private static SourceColumn ParseColumn(string?[] r) => new()
    {
        Name = r[2]!,
        Ordinal = (int)ParseLong(r[3]),
        DataType = r[4]!.ToLowerInvariant(),
        ColumnType = r[5]!,
        IsNullable = string.Equals(r[6], "YES", StringComparison.OrdinalIgnoreCase),
        NumericPrecision = ParseInt(r[7]),
        NumericScale = ParseInt(r[8]),
        DatetimePrecision = ParseInt(r[9]),
        CharacterSet = r[10],
        Extra = r[11] ?? string.Empty,
    };

    private static long ParseLong(string? text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;

    private static int? ParseInt(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
}
