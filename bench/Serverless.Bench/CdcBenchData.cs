using System.Diagnostics;
using System.Globalization;
using Serverless.MySql.Client;
using Serverless.MySql.Replication;

namespace Serverless.Bench;

/// <summary>
/// The source of the `cdc` benchmark on the local MariaDB: <c>bench_cdc.items</c>, 10 columns, 1M rows bulk-loaded once
/// with the session's binlog off; and the binlog stretch the catch-up figures read: one transaction updating
/// <see cref="CdcBenchOptions.Updates"/> rows, then inserts and deletes in transactions of 10,000 rows, in closed
/// binlog files (rotated before and after).
/// </summary>
public static class CdcBenchData
{
    public const string Database = "bench_cdc";
    public const string Table = "items";
    public const int Rows = 1_000_000;
    public const int RowsPerTransaction = 10_000;

    public static string QualifiedTable => Database + "." + Table;

    public const string ColumnsDescription = "10 columns: BIGINT key, INT, DECIMAL(12,2), DECIMAL(18,4), DATETIME(6), DATETIME, VARCHAR(16) with 8 distinct values, VARCHAR(32) with 1,000 distinct values, unique VARCHAR(64), nullable VARCHAR(100) (20% NULL)";

    public static async Task<MySqlConnection> OpenAsync() => await MySqlConnection.OpenAsync(MySqlBenchData.Connection with { Name = "bench-cdc", Database = Database });

    /// <summary>Creates and loads the table when it is missing or has fewer than <see cref="Rows"/> rows.</summary>
    public static async Task EnsureTableAsync()
    {
        await using (var admin = await MySqlConnection.OpenAsync(MySqlBenchData.Connection))
        {
            await admin.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {Database}");
        }

        await using var conn = await OpenAsync();
        await conn.ExecuteAsync("SET SESSION sql_log_bin = 0");
        var exists = await conn.QueryScalarAsync($"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '{Database}' AND table_name = '{Table}'");
        if (exists == "1" && long.Parse(await conn.QueryScalarAsync($"SELECT COUNT(*) FROM {Table}") ?? "0", CultureInfo.InvariantCulture) >= Rows)
        {
            return;
        }

        Console.WriteLine($"cdc: loading {Rows:N0} rows into {QualifiedTable} (once, binlog off)");
        var sw = Stopwatch.StartNew();
        await conn.ExecuteAsync($"DROP TABLE IF EXISTS {Table}");
        await conn.ExecuteAsync($"""
            CREATE TABLE {Table} (
              id BIGINT NOT NULL PRIMARY KEY,
              qty INT NOT NULL,
              price DECIMAL(12,2) NOT NULL,
              amount DECIMAL(18,4) NOT NULL,
              created_at DATETIME(6) NOT NULL,
              updated_at DATETIME NOT NULL,
              status VARCHAR(16) NOT NULL,
              city VARCHAR(32) NOT NULL,
              email VARCHAR(64) NOT NULL,
              note VARCHAR(100) NULL
            ) ENGINE=InnoDB
            """);
        await conn.ExecuteAsync(InsertSql("seq", $"seq_1_to_{Rows}"));
        Console.WriteLine($"cdc: loaded {QualifiedTable} in {sw.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>An INSERT ... SELECT of rows whose values derive from the integer expression <paramref name="id"/> over <paramref name="from"/>.</summary>
    public static string InsertSql(string id, string from) => InsertRowsSql("(" + id + ")", from);

    private static string InsertRowsSql(string id, string from) => $"""
        INSERT INTO {Table}
        SELECT {id}, {id} * 7919 % 100000, ({id} * 104729 % 10000000) / 100, ({id} * 31337 % 1000000000000) / 10000,
               TIMESTAMP '2020-09-13 12:26:40' + INTERVAL {id} SECOND + INTERVAL ({id} * 7 % 1000000) MICROSECOND,
               TIMESTAMP '2021-01-01 00:00:00' + INTERVAL ({id} * 13 % 31536000) SECOND,
               CONCAT('status_', {id} % 8), CONCAT('city_', {id} % 1000), CONCAT('user', {id}, '@example.com'),
               IF({id} % 5 = 0, NULL, REPEAT(CONCAT('note ', {id} % 97, ' '), 1 + {id} % 5))
        FROM {from}
        """;

    public static async Task<long> MaxIdAsync(MySqlConnection conn) =>
        long.Parse(await conn.QueryScalarAsync($"SELECT COALESCE(MAX(id), 0) FROM {Table}") ?? "0", CultureInfo.InvariantCulture);

    /// <summary>The table's row count and the sum of its qty column, to check a lake against.</summary>
    public static async Task<(long Rows, long QtySum)> FingerprintAsync()
    {
        await using var conn = await OpenAsync();
        var row = (await conn.QueryTextRowsAsync($"SELECT COUNT(*), COALESCE(SUM(qty), 0) FROM {Table}"))[0];
        return (long.Parse(row[0]!, CultureInfo.InvariantCulture), long.Parse(row[1]!, CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Writes the catch-up stretch: one transaction updating the <paramref name="updates"/> lowest ids (every column image
    /// FULL, qty changed), then <paramref name="insertsAndDeletes"/> inserts of new ids and as many deletes of existing
    /// ones, <see cref="RowsPerTransaction"/> rows a transaction. Rotates the binlog before and after, so the stretch
    /// sits in closed files. Returns the stretch and the row changes of the table in it.
    /// </summary>
    public static async Task<(CdcBinlogStretch Range, long Changes)> ProduceCatchUpRangeAsync(int updates, int insertsAndDeletes)
    {
        await using var conn = await OpenAsync();
        var maxId = await MaxIdAsync(conn);
        var minId = long.Parse(await conn.QueryScalarAsync($"SELECT MIN(id) FROM {Table}") ?? "1", CultureInfo.InvariantCulture);
        await conn.ExecuteAsync("FLUSH BINARY LOGS");
        var start = await MasterPositionAsync(conn);
        var sw = Stopwatch.StartNew();
        long changes = await conn.ExecuteAsync(string.Create(CultureInfo.InvariantCulture,
            $"UPDATE {Table} SET qty = qty + 1 ORDER BY id LIMIT {updates}"));
        for (var done = 0; done < insertsAndDeletes; done += RowsPerTransaction)
        {
            var n = Math.Min(RowsPerTransaction, insertsAndDeletes - done);
            changes += await conn.ExecuteAsync(InsertSql(string.Create(CultureInfo.InvariantCulture, $"{maxId + done} + seq"), string.Create(CultureInfo.InvariantCulture, $"seq_1_to_{n}")));

            // Deletes from the top of the updated stretch down, so the update and the deletes hit the same files.
            changes += await conn.ExecuteAsync(string.Create(CultureInfo.InvariantCulture,
                $"DELETE FROM {Table} WHERE id >= {minId} ORDER BY id LIMIT {n}"));
        }

        var end = await MasterPositionAsync(conn);
        await conn.ExecuteAsync("FLUSH BINARY LOGS");
        var expected = (long)updates + (2L * insertsAndDeletes);
        if (changes != expected)
        {
            throw new InvalidOperationException($"Producing the catch-up stretch changed {changes:N0} rows, expected {expected:N0}.");
        }

        // Another client may have rotated the binlog meanwhile (or the big transaction passed max_binlog_size): the stretch
        // then spans files, which capture follows and mariadb-binlog reads when given all of them.
        var sizes = (await conn.QueryTextRowsAsync("SHOW BINARY LOGS")).Select(r => (File: r[0]!, Size: long.Parse(r[1]!, CultureInfo.InvariantCulture))).ToList();
        var files = sizes.SkipWhile(f => f.File != start.FileName).TakeWhile(f => string.CompareOrdinal(f.File, end.FileName) <= 0).ToList();
        var bytes = files.Sum(f => f.Size) - start.EventOffset - (files[^1].Size - end.EventOffset);
        var stretch = new CdcBinlogStretch(files.Select(f => f.File).ToList(), start.EventOffset, end.EventOffset, bytes);
        Console.WriteLine($"cdc: {changes:N0} row changes written to {stretch} in {sw.Elapsed.TotalSeconds:0.0} s");
        return (stretch, changes);
    }

    public static async Task<BinlogPosition> MasterPositionAsync(MySqlConnection conn)
    {
        var rows = await conn.QueryTextRowsAsync("SHOW MASTER STATUS");
        return new BinlogPosition(rows[0][0]!, long.Parse(rows[0][1]!, CultureInfo.InvariantCulture));
    }

    public static async Task<string?> GtidPositionAsync(MySqlConnection conn) => await conn.QueryScalarAsync("SELECT @@gtid_binlog_pos");
}
