using System.Diagnostics;
using System.Globalization;
using Serverless.MySql.Client;

namespace Serverless.Bench;

/// <summary>
/// The source tables of the `snapshot` benchmark on the local MariaDB: one 5M-row table (<c>bench_snapshot.big</c>),
/// 50 tables of 100k rows of the same shape (<c>bench_snapshot_many.t01..t50</c>), and a narrow schema like a real one
/// (<c>bench_snapshot_narrow</c>: <c>history</c> of 3M rows and <c>n1..n5</c> of 300k rows, each
/// <c>(id INT, n INT, from_date DATE, to_date DATE)</c> keyed by <c>(id, from_date)</c>). Bulk-loaded once from the
/// SEQUENCE engine with the session's binlog off, so the loads neither fill the binlog nor count as changes.
/// </summary>
public static class SnapshotBenchData
{
    public const string BigDatabase = "bench_snapshot";
    public const string BigTable = "big";
    public const string ManyDatabase = "bench_snapshot_many";
    public const int ManyTables = 50;
    public const int ManyRowsEach = 100_000;
    public const string NarrowDatabase = "bench_snapshot_narrow";
    public const string NarrowBigTable = "history";
    public const int NarrowBigRows = 3_000_000;
    public const int NarrowSmallTables = 5;
    public const int NarrowSmallRows = 300_000;

    /// <summary>Rows of the big table: 5M, or SERVERLESS_BENCH_SNAPSHOT_ROWS for a quicker run (the report says which).</summary>
    public static int BigRows =>
        int.TryParse(Environment.GetEnvironmentVariable("SERVERLESS_BENCH_SNAPSHOT_ROWS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var rows) && rows > 0
            ? rows
            : 5_000_000;

    public static IReadOnlyList<string> ManyTableNames { get; } =
        Enumerable.Range(1, ManyTables).Select(i => string.Create(CultureInfo.InvariantCulture, $"t{i:00}")).ToArray();

    /// <summary>The narrow schema's tables: the 3M-row one first, then the five of 300k rows.</summary>
    public static IReadOnlyList<string> NarrowTableNames { get; } =
        [NarrowBigTable, .. Enumerable.Range(1, NarrowSmallTables).Select(i => string.Create(CultureInfo.InvariantCulture, $"n{i}"))];

    public static long NarrowRows => NarrowBigRows + ((long)NarrowSmallTables * NarrowSmallRows);

    /// <summary>Ten columns: integers, two decimals, a DATETIME(6) and a DATETIME, strings with many repeats (status, city), unique strings (email), a nullable string of varying length.</summary>
    public const string WideColumnsDescription = "10 columns: BIGINT key, INT, DECIMAL(12,2), DECIMAL(18,4), DATETIME(6), DATETIME, VARCHAR(16) with 8 distinct values, VARCHAR(32) with 1,000 distinct values, unique VARCHAR(64), nullable VARCHAR(255) (20% NULL, 6-70 chars)";

    /// <summary>Four columns like a salary history: the key's INT and DATE, another INT, and a DATE.</summary>
    public const string NarrowColumnsDescription = "4 columns: id INT, n INT, from_date DATE, to_date DATE, primary key (id, from_date); 3M rows 10 per id, 300k rows 3 per id";

    public static async Task EnsureTablesAsync()
    {
        await using var conn = await MySqlConnection.OpenAsync(MySqlBenchData.Connection);
        await conn.ExecuteAsync("SET SESSION sql_log_bin = 0");
        await conn.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {BigDatabase}");

        // The streaming ceiling reuses the mysql benchmark's scan, whose connections open in that database.
        await conn.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {MySqlBenchData.Database}");
        await conn.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {ManyDatabase}");
        await conn.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {NarrowDatabase}");
        await EnsureLoadedAsync(conn, $"{BigDatabase}.{BigTable}", BigRows, CreateSql, InsertSql);
        foreach (var table in ManyTableNames)
        {
            await EnsureLoadedAsync(conn, $"{ManyDatabase}.{table}", ManyRowsEach, CreateSql, InsertSql);
        }

        await EnsureLoadedAsync(conn, $"{NarrowDatabase}.{NarrowBigTable}", NarrowBigRows, CreateNarrowSql, (t, rows) => InsertNarrowSql(t, rows, 10));
        foreach (var table in NarrowTableNames.Skip(1))
        {
            await EnsureLoadedAsync(conn, $"{NarrowDatabase}.{table}", NarrowSmallRows, CreateNarrowSql, (t, rows) => InsertNarrowSql(t, rows, 3));
        }
    }

    /// <summary>Buffer pool size the benchmark asks for: the three data sets (1.5 GB) stay in memory, for us and for the peer alike.</summary>
    public const long BufferPoolBytes = 2L * 1024 * 1024 * 1024;

    /// <summary>
    /// Grows InnoDB's buffer pool online when it cannot hold both data sets (the local server starts with 1 GiB): with
    /// a smaller pool each scenario evicts the other's pages and whichever run came first after a switch paid for it.
    /// Returns the pool size in effect.
    /// </summary>
    public static async Task<long> EnsureBufferPoolAsync()
    {
        await using var conn = await MySqlConnection.OpenAsync(MySqlBenchData.Connection);
        async Task<long> PoolSizeAsync() => long.Parse(await conn.QueryScalarAsync("SELECT @@innodb_buffer_pool_size") ?? "0", CultureInfo.InvariantCulture);
        if (await PoolSizeAsync() < BufferPoolBytes)
        {
            await conn.ExecuteAsync(string.Create(CultureInfo.InvariantCulture, $"SET GLOBAL innodb_buffer_pool_size = {BufferPoolBytes}"));

            // The resize runs in the background; wait until it is reported done.
            for (var i = 0; i < 120 && await PoolSizeAsync() < BufferPoolBytes; i++)
            {
                await Task.Delay(500);
            }
        }

        return await PoolSizeAsync();
    }

    public static async Task<long> CountAsync(string qualifiedTable)
    {
        await using var conn = await MySqlConnection.OpenAsync(MySqlBenchData.Connection);
        return long.Parse(await conn.QueryScalarAsync($"SELECT COUNT(*) FROM {qualifiedTable}") ?? "0", CultureInfo.InvariantCulture);
    }

    private static async Task EnsureLoadedAsync(MySqlConnection conn, string qualifiedTable, int rows, Func<string, string> create, Func<string, int, string> insert)
    {
        var parts = qualifiedTable.Split('.');
        var exists = await conn.QueryScalarAsync(
            $"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '{parts[0]}' AND table_name = '{parts[1]}'");
        if (exists == "1" && await conn.QueryScalarAsync($"SELECT COUNT(*) FROM {qualifiedTable}") == rows.ToString(CultureInfo.InvariantCulture))
        {
            return;
        }

        Console.WriteLine($"snapshot: loading {rows:N0} rows into {qualifiedTable} (once)");
        var sw = Stopwatch.StartNew();
        await conn.ExecuteAsync($"USE {parts[0]}"); // seq_1_to_N resolves in the current database
        await conn.ExecuteAsync($"DROP TABLE IF EXISTS {qualifiedTable}");
        await conn.ExecuteAsync(create(qualifiedTable));
        await conn.ExecuteAsync(insert(qualifiedTable, rows));
        Console.WriteLine($"snapshot: loaded {qualifiedTable} in {sw.Elapsed.TotalSeconds:0.0} s");
    }

    private static string CreateSql(string table) => $"""
        CREATE TABLE {table} (
          id BIGINT NOT NULL PRIMARY KEY,
          qty INT NOT NULL,
          price DECIMAL(12,2) NOT NULL,
          amount DECIMAL(18,4) NOT NULL,
          created_at DATETIME(6) NOT NULL,
          updated_at DATETIME NOT NULL,
          status VARCHAR(16) NOT NULL,
          city VARCHAR(32) NOT NULL,
          email VARCHAR(64) NOT NULL,
          note VARCHAR(255) NULL
        ) ENGINE=InnoDB
        """;

    private static string InsertSql(string table, int rows) => $"""
        INSERT INTO {table}
        SELECT seq, seq * 7919 % 100000, (seq * 104729 % 10000000) / 100, (seq * 31337 % 1000000000000) / 10000,
               TIMESTAMP '2020-09-13 12:26:40' + INTERVAL seq SECOND + INTERVAL (seq * 7 % 1000000) MICROSECOND,
               TIMESTAMP '2021-01-01 00:00:00' + INTERVAL (seq * 13 % 31536000) SECOND,
               CONCAT('status_', seq % 8), CONCAT('city_', seq % 1000), CONCAT('user', seq, '@example.com'),
               IF(seq % 5 = 0, NULL, REPEAT(CONCAT('note ', seq % 97, ' '), 1 + seq % 7))
        FROM seq_1_to_{rows}
        """;

    private static string CreateNarrowSql(string table) => $"""
        CREATE TABLE {table} (
          id INT NOT NULL,
          n INT NOT NULL,
          from_date DATE NOT NULL,
          to_date DATE NOT NULL,
          PRIMARY KEY (id, from_date)
        ) ENGINE=InnoDB
        """;

    /// <summary>
    /// <paramref name="perId"/> consecutive rows share an id, one a year apart from a start day that varies by id (so
    /// (id, from_date) is unique); the last period of an id runs to 9999-01-01, as current rows do in such schemas.
    /// </summary>
    private static string InsertNarrowSql(string table, int rows, int perId) => $"""
        INSERT INTO {table}
        SELECT id, n, from_date, IF(k = {perId - 1}, DATE '9999-01-01', from_date + INTERVAL 1 YEAR)
        FROM (SELECT (seq - 1) DIV {perId} + 1 AS id, (seq - 1) MOD {perId} AS k, 38000 + seq * 7919 % 120000 AS n,
                     DATE '1985-01-01' + INTERVAL ((seq - 1) DIV {perId}) % 3000 DAY + INTERVAL (seq - 1) MOD {perId} YEAR AS from_date
              FROM seq_1_to_{rows}) AS s
        """;
}
