using System.Diagnostics;
using System.Globalization;
using Serverless.MySql.Client;
using Serverless.MySql.Replication;

namespace Serverless.Bench;

/// <summary>
/// The tables the `mysql` benchmark reads, in database <c>bench_mysql</c> on the local MariaDB: a 2M-row mixed table for
/// result streaming and a 1M-row table whose updates produce the binlog range. Both are bulk-loaded once from MariaDB's
/// SEQUENCE engine with the session's binlog off (the loads are setup, not part of the measured binlog).
/// </summary>
public static class MySqlBenchData
{
    public const string Database = "bench_mysql";
    public const string StreamedTable = "mixed";
    public const string UpdatedTable = "updated";
    public const int StreamedRows = 2_000_000;
    public const int UpdatedRows = 1_000_000;
    public const int UpdateStatements = 4;

    public static string Host => "127.0.0.1";

    public static int Port => int.TryParse(Environment.GetEnvironmentVariable("SERVERLESS_MARIADB_PORT"), out var p) ? p : 13306;

    public static string User => "serverless";

    public static string Password => "serverless";

    public static MySqlConnectionOptions Connection => new()
    {
        Host = Host, Port = Port, User = User, Password = Password, Name = "bench-mariadb", TlsMode = TlsMode.Disabled,
    };

    /// <summary>Creates and loads both tables when they are missing or incomplete.</summary>
    public static async Task EnsureTablesAsync()
    {
        await using var conn = await MySqlConnection.OpenAsync(Connection);
        await conn.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {Database}");
        await conn.ExecuteAsync($"USE {Database}");
        await conn.ExecuteAsync("SET SESSION sql_log_bin = 0");
        await EnsureLoadedAsync(conn, StreamedTable, StreamedRows, StreamedTableSql, StreamedRowsSql);
        await EnsureLoadedAsync(conn, UpdatedTable, UpdatedRows, UpdatedTableSql, UpdatedRowsSql);
    }

    private static async Task EnsureLoadedAsync(MySqlConnection conn, string table, int rows, string createSql, string insertSql)
    {
        var exists = await conn.QueryScalarAsync(
            $"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '{Database}' AND table_name = '{table}'");
        if (exists == "1" && await conn.QueryScalarAsync($"SELECT COUNT(*) FROM {table}") == rows.ToString(CultureInfo.InvariantCulture))
        {
            return;
        }

        Console.WriteLine($"mysql: loading {rows:N0} rows into {Database}.{table} (once)");
        var sw = Stopwatch.StartNew();
        await conn.ExecuteAsync($"DROP TABLE IF EXISTS {table}");
        await conn.ExecuteAsync(createSql);
        await conn.ExecuteAsync(insertSql);
        Console.WriteLine($"mysql: loaded {Database}.{table} in {sw.Elapsed.TotalSeconds:0.0} s");
    }

    // Integers, two decimals, a DATETIME(6), a DATE, strings with many repeats (status, city), unique strings (email),
    // a nullable TEXT of varying length and a nullable DOUBLE: the shapes a CDC source table usually has.
    private static string StreamedTableSql => $"""
        CREATE TABLE {StreamedTable} (
          id BIGINT NOT NULL PRIMARY KEY,
          qty INT NOT NULL,
          price DECIMAL(12,2) NOT NULL,
          amount DECIMAL(18,4) NOT NULL,
          created_at DATETIME(6) NOT NULL,
          ship_date DATE NOT NULL,
          status VARCHAR(16) NOT NULL,
          city VARCHAR(32) NOT NULL,
          email VARCHAR(64) NOT NULL,
          note TEXT NULL,
          score DOUBLE NULL
        ) ENGINE=InnoDB
        """;

    private static string StreamedRowsSql => $"""
        INSERT INTO {StreamedTable}
        SELECT seq,
               seq * 7919 % 100000,
               (seq * 104729 % 10000000) / 100,
               (seq * 31337 % 1000000000000) / 10000,
               TIMESTAMP '2020-09-13 12:26:40' + INTERVAL seq SECOND + INTERVAL (seq * 7 % 1000000) MICROSECOND,
               DATE '2020-01-01' + INTERVAL (seq % 3650) DAY,
               CONCAT('status_', seq % 8),
               CONCAT('city_', seq % 1000),
               CONCAT('user', seq, '@example.com'),
               IF(seq % 5 = 0, NULL, REPEAT(CONCAT('note ', seq % 97, ' '), 1 + seq % 7)),
               IF(seq % 10 = 0, NULL, seq * 0.25)
        FROM seq_1_to_{StreamedRows}
        """;

    private static string UpdatedTableSql => $"""
        CREATE TABLE {UpdatedTable} (
          id INT NOT NULL PRIMARY KEY,
          qty INT NOT NULL,
          price DECIMAL(12,2) NOT NULL,
          updated_at DATETIME(6) NOT NULL,
          status VARCHAR(16) NOT NULL,
          email VARCHAR(64) NOT NULL,
          score DOUBLE NULL
        ) ENGINE=InnoDB
        """;

    private static string UpdatedRowsSql => $"""
        INSERT INTO {UpdatedTable}
        SELECT seq,
               seq * 7919 % 100000,
               (seq * 104729 % 10000000) / 100,
               TIMESTAMP '2021-01-01 00:00:00' + INTERVAL seq SECOND + INTERVAL (seq * 13 % 1000000) MICROSECOND,
               CONCAT('status_', seq % 8),
               CONCAT('user', seq, '@example.com'),
               IF(seq % 10 = 0, NULL, seq * 0.5)
        FROM seq_1_to_{UpdatedRows}
        """;

    /// <summary>
    /// Writes a binlog range holding exactly <see cref="UpdatedRows"/> UPDATE row changes of <see cref="UpdatedTable"/>
    /// (in <see cref="UpdateStatements"/> transactions), then rotates so that the range sits in one closed file.
    /// Other clients of the shared server may add their own events to the range; both readers decode those too.
    /// </summary>
    public static async Task<MySqlBinlogRange> ProduceUpdateRangeAsync()
    {
        await using var conn = await MySqlConnection.OpenAsync(Connection with { Database = Database });

        // Rotate first so the range starts a fresh file and the closed file holds little besides it.
        await conn.ExecuteAsync("FLUSH BINARY LOGS");
        var start = await MasterPositionAsync(conn);
        var sw = Stopwatch.StartNew();
        const int perStatement = UpdatedRows / UpdateStatements;
        long affected = 0;
        for (var i = 0; i < UpdateStatements; i++)
        {
            affected += await conn.ExecuteAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"UPDATE {UpdatedTable} SET qty = qty + 1 WHERE id > {i * perStatement} AND id <= {(i + 1) * perStatement}"));
        }

        var end = await MasterPositionAsync(conn);
        await conn.ExecuteAsync("FLUSH BINARY LOGS");
        if (affected != UpdatedRows || end.FileName != start.FileName)
        {
            throw new InvalidOperationException(
                $"Producing the binlog range updated {affected:N0} rows (expected {UpdatedRows:N0}) from {start} to {end}; the range must sit in one file.");
        }

        Console.WriteLine($"mysql: {affected:N0} row updates written to {start.FileName} bytes {start.EventOffset:N0}..{end.EventOffset:N0} in {sw.Elapsed.TotalSeconds:0.0} s");
        return new MySqlBinlogRange(start.FileName, start.EventOffset, end.EventOffset);
    }

    private static async Task<BinlogPosition> MasterPositionAsync(MySqlConnection conn)
    {
        var rows = await conn.QueryTextRowsAsync("SHOW MASTER STATUS");
        return new BinlogPosition(rows[0][0]!, long.Parse(rows[0][1]!, CultureInfo.InvariantCulture));
    }
}
