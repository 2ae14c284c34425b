using System.Globalization;
using System.Text;
using Serverless.Cdc.Schema;
using Serverless.Delta;
using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;
using Serverless.MySql.Binlog;
using Serverless.MySql.Client;
using Serverless.Storage.Local;

namespace Serverless.Orchestrations.IntegrationTests;

/// <summary>
/// Row count, distinct keys, and per column the non-null count and the sum of CRC32 over each value's canonical text
/// (integers and decimals as digits with the column's scale, temporals as 'yyyy-MM-dd HH:mm:ss.ffffff', binary as hex,
/// text as UTF-8). Computed in MariaDB with SQL and over the lake through a Delta scan, so equal checksums mean every
/// value of every column arrived.
/// </summary>
public sealed record TableChecksum(long Rows, long DistinctKeys, IReadOnlyDictionary<string, (long NonNull, long CrcSum)> Columns)
{
    public static async Task<(TableChecksum Checksum, IReadOnlyList<StructField> Columns, long RowsWithoutPosition)> OfLakeAsync(string lakeRoot, string lakeTable, IReadOnlyList<string> keyColumns)
    {
        var table = await DeltaTable.OpenAsync(new TableLocation(new LocalFolderObjectStore(lakeRoot), lakeTable));
        var scan = new DeltaScan(table.Snapshot);
        var fields = scan.Columns;
        var keyIndexes = keyColumns.Select(k => fields.ToList().FindIndex(f => string.Equals(f.Name, k, StringComparison.OrdinalIgnoreCase))).ToArray();
        var positionIndex = fields.ToList().FindIndex(f => f.Name == CdcColumns.Position);
        var sums = new (long NonNull, long CrcSum)[fields.Count];
        var keys = new HashSet<string>(StringComparer.Ordinal);
        long rows = 0, withoutPosition = 0;
        await foreach (var row in scan.ReadRowsAsync())
        {
            rows++;
            keys.Add(string.Join('\u0001', keyIndexes.Select(i => Canonical(row[i], fields[i].Type))));
            if (row[positionIndex] is null)
            {
                withoutPosition++;
            }

            for (var i = 0; i < fields.Count; i++)
            {
                if (row[i] is { } value)
                {
                    sums[i].NonNull++;
                    sums[i].CrcSum += Crc32.Compute(Encoding.UTF8.GetBytes(Canonical(value, fields[i].Type)));
                }
            }
        }

        var columns = fields.Select((f, i) => (f.Name, sums[i])).Where(c => !CdcColumns.IsReserved(c.Name)).ToDictionary(c => c.Name, c => c.Item2, StringComparer.Ordinal);
        return (new TableChecksum(rows, keys.Count, columns), fields, withoutPosition);
    }

    public static async Task<TableChecksum> OfSourceAsync(MySqlConnection connection, string database, string table, IReadOnlyList<StructField> lakeColumns, IReadOnlyList<string> keyColumns)
    {
        var columns = lakeColumns.Where(c => !CdcColumns.IsReserved(c.Name)).ToList();
        var select = new StringBuilder("SELECT COUNT(*), COUNT(DISTINCT ").Append(string.Join(", ", keyColumns.Select(k => $"`{k}`"))).Append(')');
        foreach (var c in columns)
        {
            select.Append(CultureInfo.InvariantCulture, $", COUNT(`{c.Name}`), COALESCE(SUM(CRC32({SqlCanonical(c)})), 0)");
        }

        select.Append(CultureInfo.InvariantCulture, $" FROM `{database}`.`{table}`");
        var row = (await connection.QueryTextRowsAsync(select.ToString()))[0];
        var sums = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            sums[columns[i].Name] = (long.Parse(row[2 + (2 * i)]!, CultureInfo.InvariantCulture), long.Parse(row[3 + (2 * i)]!, CultureInfo.InvariantCulture));
        }

        return new TableChecksum(long.Parse(row[0]!, CultureInfo.InvariantCulture), long.Parse(row[1]!, CultureInfo.InvariantCulture), sums);
    }

    private static string SqlCanonical(StructField column) => column.Type switch
    {
        PrimitiveType { Name: "timestamp" or "timestamp_ntz" } => $"DATE_FORMAT(`{column.Name}`, '%Y-%m-%d %H:%i:%s.%f')",
        PrimitiveType { Name: "date" } => $"DATE_FORMAT(`{column.Name}`, '%Y-%m-%d')",
        PrimitiveType { Name: "binary" } => $"HEX(`{column.Name}`)",
        _ => $"CAST(`{column.Name}` AS CHAR)",
    };

    private static string Canonical(object? value, DeltaType type) => value switch
    {
        null => "\0null",
        decimal d => d.ToString("F" + ((DecimalType)type).Scale.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        byte[] b => Convert.ToHexString(b),
        string s => s,
        bool b => b ? "1" : "0",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };
}
