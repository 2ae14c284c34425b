using System.Globalization;
using System.Text;
using Serverless.MySql.Client;
using static Serverless.Cdc.IntegrationTests.EndToEnd.DuckDbLakeReader.Print;

namespace Serverless.Cdc.IntegrationTests.EndToEnd;

/// <summary>
/// A seeded write workload against one MariaDB database, one transaction at a time on one connection, so a seed replays
/// the same statements: a hot table of few keys (updates, deletes, delete + re-insert of one key in one transaction and
/// across transactions), an orders table (small transactions, key-changing updates, bulk inserts and range updates, one
/// transaction of <see cref="WorkloadOptions.LargestTransactionRows"/> rows), and a table without a primary key
/// (<c>nopk</c>, keyed by the job's override on <c>code</c>; the workload keeps codes unique). Optionally DDL mid-stream.
/// </summary>
internal sealed class Workload
{
    /// <summary>The job's key override for the table without a primary key.</summary>
    public const string NoPrimaryKeyColumn = "code";

    /// <summary>Each table's columns, as the DuckDB comparison prints them (the key first).</summary>
    public static readonly IReadOnlyDictionary<string, (string Column, DuckDbLakeReader.Print Print)[]> Columns = new Dictionary<string, (string, DuckDbLakeReader.Print)[]>
    {
        ["hot"] = [("id", Text), ("v", Text), ("note", Text), ("amount", Text), ("at", Temporal)],
        ["orders"] = [("id", Text), ("customer", Text), ("status", Text), ("total", Text), ("at", Temporal)],
        ["nopk"] = [("code", Text), ("qty", Text), ("label", Text), ("at", Temporal)],
        ["marker"] = [("id", Text), ("note", Text)],
    };

    private static readonly DateTime Epoch = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
    private readonly MySqlConnection connection;
    private readonly WorkloadOptions options;
    private readonly Random random;
    private readonly HashSet<int> hot = [];
    private readonly HashSet<long> orders = [];
    private readonly HashSet<int> codes = [];
    private readonly List<int> deletedCodes = [];
    private readonly int largestAt;
    private long ddlAt = long.MaxValue;
    private long nextOrder;
    private int nextCode;
    private bool ddlDone;

    public Workload(MySqlConnection connection, WorkloadOptions options)
    {
        this.connection = connection;
        this.options = options;
        random = new Random(options.Seed);
        largestAt = random.Next(5, 60);
    }

    public long Transactions { get; private set; }

    public long RowsChanged { get; private set; }

    /// <summary>Rows in the largest transaction run so far.</summary>
    public long LargestTransaction { get; private set; }

    public int DdlStatements { get; private set; }

    /// <summary>
    /// Runs the DDL (when <see cref="WorkloadOptions.Ddl"/>) once <paramref name="transaction"/> transactions have run. The
    /// kill test schedules it after the snapshot: a DDL between P0 and the snapshot's reading of the table's schema is a
    /// known gap (design notes, "Schema changes").
    /// </summary>
    public void ScheduleDdl(long transaction) => Volatile.Write(ref ddlAt, transaction);

    /// <summary>Awaited after the largest transaction's statements ran, before its COMMIT: a test aligns a kill with it.</summary>
    public Func<Task>? BeforeLargestCommit { get; set; }

    public static async Task CreateTablesAsync(MySqlConnection connection)
    {
        await connection.ExecuteAsync("CREATE TABLE hot (id INT PRIMARY KEY, v INT NOT NULL, note VARCHAR(40), amount DECIMAL(12,2), at DATETIME(6))");
        await connection.ExecuteAsync(
            "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer INT NOT NULL, status VARCHAR(12) NOT NULL, total DECIMAL(12,2), at DATETIME(6), KEY (customer))");
        await connection.ExecuteAsync("CREATE TABLE nopk (code VARCHAR(16) NOT NULL, qty INT NOT NULL, label VARCHAR(30), at DATETIME(6))");
        await connection.ExecuteAsync("CREATE TABLE marker (id INT PRIMARY KEY, note VARCHAR(40) NOT NULL)");
    }

    /// <summary>The rows there before the job starts: half the hot keys, the initial orders and codes.</summary>
    public async Task LoadAsync()
    {
        for (var id = 0; id < options.HotKeys; id += 2)
        {
            await connection.ExecuteAsync($"INSERT INTO hot (id, v, note, amount, at) VALUES ({id}, 0, 'initial', {Amount()}, {Time()})");
            hot.Add(id);
        }

        await connection.ExecuteAsync(
            $"INSERT INTO orders (id, customer, status, total, at) SELECT seq, seq % 997, ELT(1 + seq % 4, 'new', 'paid', 'sent', 'done'), " +
            $"(seq * 37 % 100000) / 100, '2024-01-01' + INTERVAL seq SECOND + INTERVAL (seq * 7919 % 1000000) MICROSECOND FROM seq_1_to_{options.InitialOrders}");
        for (long id = 1; id <= options.InitialOrders; id++)
        {
            orders.Add(id);
        }

        nextOrder = options.InitialOrders + 1;
        await connection.ExecuteAsync(
            $"INSERT INTO nopk (code, qty, label, at) SELECT CONCAT('c', seq), seq % 50, IF(seq % 9 = 0, NULL, CONCAT('label ', seq)), " +
            $"IF(seq % 5 = 0, NULL, '2024-02-01' + INTERVAL seq MINUTE) FROM seq_1_to_{options.InitialCodes}");
        for (var c = 1; c <= options.InitialCodes; c++)
        {
            codes.Add(c);
        }

        nextCode = options.InitialCodes + 1;
    }

    /// <summary>
    /// Runs transactions until <paramref name="stop"/> is cancelled and at least <paramref name="minimum"/> ran, with
    /// <paramref name="pause"/> between them: a steady stream that leaves the machine's cores to the pipeline.
    /// </summary>
    public async Task RunAsync(int minimum, TimeSpan pause, CancellationToken stop)
    {
        while (Transactions < minimum || !stop.IsCancellationRequested)
        {
            await NextTransactionAsync();
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, CancellationToken.None);
            }
        }
    }

    /// <summary>The last change of the workload: once the lake has this row, every change before it has been published.</summary>
    public async Task WriteMarkerAsync(string note) =>
        await connection.ExecuteAsync($"INSERT INTO marker (id, note) VALUES (1, {Quote(note)}) ON DUPLICATE KEY UPDATE note = VALUES(note)");

    public async Task NextTransactionAsync()
    {
        var statements = new List<string>();
        var rows = 0;
        var largest = Transactions == largestAt;
        if (largest)
        {
            rows += BulkInsert(statements, options.LargestTransactionRows);
        }
        else if (options.Ddl && !ddlDone && Transactions >= Volatile.Read(ref ddlAt))
        {
            await DdlAsync();
            Transactions++;
            return;
        }
        else
        {
            var kind = random.Next(100);
            rows += kind switch
            {
                < 40 => HotChanges(statements),
                < 65 => OrderChanges(statements),
                < 90 => CodeChanges(statements),
                < 93 => BulkInsert(statements, random.Next(100, 2_000)),
                _ => RangeUpdate(statements),
            };
        }

        await connection.ExecuteAsync("START TRANSACTION");
        foreach (var sql in statements)
        {
            await connection.ExecuteAsync(sql);
        }

        if (largest && BeforeLargestCommit is { } hook)
        {
            await hook();
        }

        await connection.ExecuteAsync("COMMIT");
        Transactions++;
        RowsChanged += rows;
        LargestTransaction = Math.Max(LargestTransaction, rows);
    }

    /// <summary>Hot keys: update, key change, delete, insert, and delete + re-insert of one key in the same transaction.</summary>
    private int HotChanges(List<string> statements)
    {
        var count = random.Next(1, 7);
        for (var i = 0; i < count; i++)
        {
            var id = random.Next(options.HotKeys);
            if (!hot.Contains(id))
            {
                statements.Add($"INSERT INTO hot (id, v, note, amount, at) VALUES ({id}, {random.Next(1000)}, {Note()}, {Amount()}, {Time()})");
                hot.Add(id);
                continue;
            }

            switch (random.Next(10))
            {
                case < 5:
                    statements.Add($"UPDATE hot SET v = v + 1, note = {Note()}, amount = {Amount()}, at = {Time()} WHERE id = {id}");
                    break;
                case < 6 when FreeHotKey() is { } free:
                    // A key change: on the spread table the delete and the insert can go to different writers.
                    statements.Add($"UPDATE hot SET id = {free}, note = 'moved' WHERE id = {id}");
                    hot.Remove(id);
                    hot.Add(free);
                    break;
                case < 8:
                    statements.Add($"DELETE FROM hot WHERE id = {id}");
                    hot.Remove(id);
                    break;
                default:
                    statements.Add($"DELETE FROM hot WHERE id = {id}");
                    statements.Add($"INSERT INTO hot (id, v, note, amount, at) VALUES ({id}, {random.Next(1000)}, 're-inserted', {Amount()}, {Time()})");
                    break;
            }
        }

        return count;
    }

    /// <summary>Small order transactions: new rows, updates, deletes, and an update that changes the key.</summary>
    private int OrderChanges(List<string> statements)
    {
        var inserts = random.Next(1, 21);
        var values = new List<string>(inserts);
        for (var i = 0; i < inserts; i++)
        {
            values.Add($"({nextOrder}, {random.Next(997)}, {Quote(Status())}, {Amount()}, {Time()})");
            orders.Add(nextOrder++);
        }

        statements.Add("INSERT INTO orders (id, customer, status, total, at) VALUES " + string.Join(", ", values));
        var rows = inserts;
        for (var i = random.Next(0, 6); i > 0; i--)
        {
            if (ExistingOrder() is { } id)
            {
                statements.Add($"UPDATE orders SET status = {Quote(Status())}, total = {Amount()} WHERE id = {id}");
                rows++;
            }
        }

        for (var i = random.Next(0, 4); i > 0; i--)
        {
            if (ExistingOrder() is { } id)
            {
                statements.Add($"DELETE FROM orders WHERE id = {id}");
                orders.Remove(id);
                rows++;
            }
        }

        if (random.Next(10) == 0 && ExistingOrder() is { } moved)
        {
            statements.Add($"UPDATE orders SET id = {nextOrder}, status = 'moved' WHERE id = {moved}");
            orders.Remove(moved);
            orders.Add(nextOrder++);
            rows++;
        }

        return rows;
    }

    /// <summary>The table without a primary key, by its override key: quantity updates, deletes, new and re-inserted codes.</summary>
    private int CodeChanges(List<string> statements)
    {
        var count = random.Next(1, 6);
        for (var i = 0; i < count; i++)
        {
            switch (random.Next(10))
            {
                case < 5 when ExistingCode() is { } code:
                    statements.Add($"UPDATE nopk SET qty = qty + 1, label = {Note()}, at = {Time()} WHERE code = 'c{code}'");
                    break;
                case < 7 when ExistingCode() is { } code:
                    statements.Add($"DELETE FROM nopk WHERE code = 'c{code}'");
                    codes.Remove(code);
                    deletedCodes.Add(code);
                    break;
                case < 9 when deletedCodes.Count > 0:
                    var back = deletedCodes[random.Next(deletedCodes.Count)];
                    deletedCodes.Remove(back);
                    statements.Add($"INSERT INTO nopk (code, qty, label, at) VALUES ('c{back}', {random.Next(100)}, 'back again', {Time()})");
                    codes.Add(back);
                    break;
                default:
                    statements.Add($"INSERT INTO nopk (code, qty, label, at) VALUES ('c{nextCode}', {random.Next(100)}, {Note()}, {Time()})");
                    codes.Add(nextCode++);
                    break;
            }
        }

        return count;
    }

    /// <summary>One INSERT ... SELECT of <paramref name="rows"/> new orders, plus a hot-key update in the same transaction.</summary>
    private int BulkInsert(List<string> statements, int rows)
    {
        var first = nextOrder;
        statements.Add(
            $"INSERT INTO orders (id, customer, status, total, at) SELECT {first - 1} + seq, seq % 991, 'bulk', (seq * 13 % 100000) / 100, " +
            $"'2024-03-01' + INTERVAL seq SECOND + INTERVAL (seq * 104729 % 1000000) MICROSECOND FROM seq_1_to_{rows}");
        for (var i = 0; i < rows; i++)
        {
            orders.Add(nextOrder++);
        }

        var id = random.Next(options.HotKeys);
        if (hot.Contains(id))
        {
            statements.Add($"UPDATE hot SET v = v + 1000 WHERE id = {id}");
            return rows + 1;
        }

        return rows;
    }

    /// <summary>An UPDATE over a range of up to 1,000 order ids.</summary>
    private int RangeUpdate(List<string> statements)
    {
        var from = 1 + (long)(random.NextDouble() * (nextOrder - 1));
        var to = from + random.Next(10, 1_000);
        statements.Add($"UPDATE orders SET total = total + 1, status = 'ranged' WHERE id BETWEEN {from} AND {to}");
        var rows = 0;
        for (var id = from; id <= to; id++)
        {
            rows += orders.Contains(id) ? 1 : 0;
        }

        return rows;
    }

    private async Task DdlAsync()
    {
        // On orders, which one writer owns: a DDL of a table spread over several partitions is not ordered with the rows of
        // every slot yet (design notes, "Schema changes").
        await connection.ExecuteAsync("ALTER TABLE orders ADD COLUMN extra INT NULL AFTER status");
        await connection.ExecuteAsync("UPDATE orders SET extra = customer WHERE id % 3 = 0");
        ddlDone = true;
        DdlStatements++;
    }

    private int? FreeHotKey()
    {
        var free = random.Next(options.HotKeys);
        return hot.Contains(free) ? null : free;
    }

    private long? ExistingOrder()
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var id = 1 + (long)(random.NextDouble() * (nextOrder - 1));
            if (orders.Contains(id))
            {
                return id;
            }
        }

        return null;
    }

    private int? ExistingCode()
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var code = random.Next(1, nextCode);
            if (codes.Contains(code))
            {
                return code;
            }
        }

        return null;
    }

    private string Status() => random.Next(5) switch { 0 => "new", 1 => "paid", 2 => "sent", 3 => "done", _ => "returned" };

    private string Amount() => random.Next(20) == 0 ? "NULL" : (random.Next(0, 10_000_000) / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>A DATETIME(6), sometimes NULL, sometimes on a whole second.</summary>
    private string Time()
    {
        if (random.Next(15) == 0)
        {
            return "NULL";
        }

        var t = Epoch.AddSeconds(random.Next(0, 200_000_000));
        if (random.Next(4) != 0)
        {
            t = t.AddTicks(random.Next(0, 1_000_000) * 10L);
        }

        return "'" + t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "'";
    }

    private string Note() => random.Next(8) switch
    {
        0 => "NULL",
        1 => "''",
        2 => Quote("grüße " + random.Next(1000).ToString(CultureInfo.InvariantCulture)),
        _ => Quote("note " + random.Next(100_000).ToString(CultureInfo.InvariantCulture)),
    };

    private static string Quote(string text)
    {
        var sb = new StringBuilder("'", text.Length + 2);
        sb.Append(text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal));
        return sb.Append('\'').ToString();
    }
}
