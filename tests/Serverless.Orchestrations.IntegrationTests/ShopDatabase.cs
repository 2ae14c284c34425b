namespace Serverless.Orchestrations.IntegrationTests;

/// <summary>
/// Three tables that exercise the chunk planner's key kinds: order_items (composite integer key), customers (string
/// key in utf8mb4), page_views (no key; the job names (session_id, seq_no)). Deterministic values, varied types:
/// decimals, DATETIME(6), TIMESTAMP(3), DATE, JSON, ENUM, emoji and Cyrillic text, binary, NULLs.
/// </summary>
public sealed class ShopDatabase : IAsyncLifetime
{
    public const int OrderItems = 12_000;
    public const int Customers = 6_000;
    public const int PageViews = 8_000;

    private SourceDatabase? db;

    public SourceDatabase Db => db ?? throw new InvalidOperationException("The fixture is not initialized.");

    public string Name => Db.Name;

    /// <summary>The key override the job spec needs for page_views.</summary>
    public IReadOnlyDictionary<string, string[]> KeyOverrides => new Dictionary<string, string[]> { [Name + ".page_views"] = ["session_id", "seq_no"] };

    public static IReadOnlyList<(string Table, string[] Key)> Tables { get; } =
    [
        ("order_items", ["order_id", "line_no"]),
        ("customers", ["email"]),
        ("page_views", ["session_id", "seq_no"]),
    ];

    public async Task InitializeAsync()
    {
        db = await SourceDatabase.CreateAsync("orch_it_shop");
        var a = db.Admin;
        await a.ExecuteAsync(
            "CREATE TABLE order_items (order_id INT NOT NULL, line_no SMALLINT NOT NULL, sku VARCHAR(32) NOT NULL, qty INT NOT NULL, " +
            "price DECIMAL(10,2) NOT NULL, note TEXT NULL, added DATETIME(6) NOT NULL, PRIMARY KEY (order_id, line_no))");
        await a.ExecuteAsync(
            "INSERT INTO order_items SELECT 1 + seq DIV 4, 1 + seq MOD 4, CONCAT('SKU-', LPAD(seq MOD 997, 5, '0')), 1 + seq MOD 9, " +
            "ROUND((seq MOD 10000) / 7, 2) - 100, IF(seq MOD 5 = 0, NULL, CONCAT('note ', seq, ' ✓ 🚀')), " +
            $"TIMESTAMP('2024-01-01') + INTERVAL seq SECOND + INTERVAL (seq MOD 1000) MICROSECOND FROM seq_0_to_{OrderItems - 1}");
        await a.ExecuteAsync(
            "CREATE TABLE customers (email VARCHAR(120) NOT NULL PRIMARY KEY, name VARCHAR(80) NOT NULL, balance DECIMAL(14,4) NULL, " +
            "created TIMESTAMP(3) NOT NULL DEFAULT '2020-01-01 00:00:00', tags JSON NULL, tier ENUM('free','pro','enterprise') NOT NULL, birthday DATE NULL)");
        await a.ExecuteAsync(
            "INSERT INTO customers SELECT CONCAT('user', seq, '@', ELT(1 + seq MOD 3, 'example.com', 'exämple.org', 'пример.рф')), " +
            "CONCAT('Name ', seq, IF(seq MOD 7 = 0, ' 😀', '')), IF(seq MOD 11 = 0, NULL, (seq * 37 MOD 100000) / 10000 - 3), " +
            "FROM_UNIXTIME(1600000000 + seq * 61) + INTERVAL (seq MOD 1000) * 1000 MICROSECOND, IF(seq MOD 3 = 0, NULL, JSON_OBJECT('n', seq, 'vip', seq MOD 2 = 0)), " +
            $"ELT(1 + seq MOD 3, 'free', 'pro', 'enterprise'), IF(seq MOD 13 = 0, NULL, DATE('1950-01-01') + INTERVAL seq DAY) FROM seq_1_to_{Customers}");
        await a.ExecuteAsync(
            "CREATE TABLE page_views (session_id BIGINT NOT NULL, seq_no INT NOT NULL, url VARCHAR(200) NOT NULL, viewed_on DATE NOT NULL, " +
            "duration_ms INT NULL, referrer VARBINARY(16) NULL)");
        await a.ExecuteAsync(
            "INSERT INTO page_views SELECT 1000000000 + seq DIV 10, seq MOD 10, CONCAT('/products/', seq MOD 500, '?ref=', seq), " +
            "DATE('2024-03-01') + INTERVAL (seq MOD 90) DAY, IF(seq MOD 4 = 0, NULL, seq MOD 30000), IF(seq MOD 2 = 0, NULL, UNHEX(MD5(seq))) " +
            $"FROM seq_0_to_{PageViews - 1}");
        await a.ExecuteAsync("ANALYZE TABLE order_items, customers, page_views");
    }

    public async Task DisposeAsync()
    {
        if (db is not null)
        {
            await db.DisposeAsync();
        }
    }
}
