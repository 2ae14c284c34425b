using System.Globalization;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Snapshot;

namespace Serverless.Cdc.IntegrationTests;

/// <summary>
/// Chunks must tile the key space: every row satisfies exactly one chunk's predicate. Checked in MariaDB itself by
/// summing the chunk predicates per row (each row's sum must be 1), and by COUNT(*) per chunk against the total.
/// </summary>
public sealed class ChunkPlannerTests : IAsyncLifetime
{
    private SourceDatabase db = null!;

    public async Task InitializeAsync()
    {
        db = await SourceDatabase.CreateAsync("cdc_it_plan");
        await db.Admin.ExecuteAsync("CREATE TABLE dense (id INT PRIMARY KEY, v VARCHAR(10))");
        await db.Admin.ExecuteAsync("INSERT INTO dense SELECT seq, 'x' FROM seq_1_to_20000");

        // 6000 clustered ids, then 4000 ids spread a million apart: even ranges would put all the clustered ids in one.
        await db.Admin.ExecuteAsync("CREATE TABLE sparse (id BIGINT UNSIGNED PRIMARY KEY, v INT)");
        await db.Admin.ExecuteAsync("INSERT INTO sparse SELECT seq, seq FROM seq_1_to_6000");
        await db.Admin.ExecuteAsync("INSERT INTO sparse SELECT seq * 1000000, seq FROM seq_1_to_4000");

        await db.Admin.ExecuteAsync("CREATE TABLE composite (a INT NOT NULL, b VARCHAR(20) NOT NULL, v INT, PRIMARY KEY (a, b))");
        await db.Admin.ExecuteAsync("INSERT INTO composite SELECT x.seq, CONCAT('k', LPAD(y.seq, 3, '0')), 1 FROM seq_1_to_50 x, seq_1_to_200 y");

        await db.Admin.ExecuteAsync("CREATE TABLE strings (k VARCHAR(64) NOT NULL PRIMARY KEY, v INT) COLLATE utf8mb4_unicode_ci");
        await db.Admin.ExecuteAsync(
            "INSERT INTO strings SELECT CONCAT(ELT(1 + seq % 5, 'Äpfel', 'apple', 'Zebra', '😀 ', 'o''brien'), '-', seq), seq FROM seq_1_to_5000");

        await db.Admin.ExecuteAsync("CREATE TABLE nokey (a INT, b INT)");
        await db.Admin.ExecuteAsync("INSERT INTO nokey SELECT seq % 7, seq FROM seq_1_to_3000");
        await db.Admin.ExecuteAsync("INSERT INTO nokey VALUES (NULL, 1)");
        await db.Admin.ExecuteAsync("ANALYZE TABLE dense, sparse, composite, strings, nokey");
    }

    public async Task DisposeAsync() => await db.DisposeAsync();

    private async Task<SourceTable> TableAsync(string name, IReadOnlyList<string>? keyOverride = null)
    {
        var overrides = new Dictionary<string, IReadOnlyList<string>>();
        if (keyOverride is not null)
        {
            overrides[db.Name + "." + name] = keyOverride;
        }

        var selection = new TableSelection { Include = [TablePattern.TryParse($"{db.Name}.{name}", out _)!] };
        var tables = await SchemaDiscovery.DiscoverAsync(db.Admin, selection, overrides);
        return Assert.Single(tables);
    }

    private async Task<long[]> AssertTilesAsync(SourceTable table, IReadOnlyList<SnapshotChunk> chunks)
    {
        var keys = table.KeyColumnDefinitions();
        var from = SqlText.Table(table.Database, table.Name);
        var predicates = chunks.Select(c => KeysetPredicate.Build(keys, c.Lower, c.Upper) ?? "TRUE").ToList();
        var total = long.Parse((await db.Admin.QueryScalarAsync($"SELECT COUNT(*) FROM {from}"))!, CultureInfo.InvariantCulture);

        // Every row is in exactly one chunk.
        var membership = string.Join(" + ", predicates.Select(p => $"IFNULL(({p}), 0)"));
        var wrong = await db.Admin.QueryScalarAsync($"SELECT COUNT(*) FROM {from} WHERE ({membership}) <> 1");
        Assert.Equal("0", wrong);

        var counts = new long[chunks.Count];
        for (var i = 0; i < chunks.Count; i++)
        {
            counts[i] = long.Parse((await db.Admin.QueryScalarAsync($"SELECT COUNT(*) FROM {from} WHERE {predicates[i]}"))!, CultureInfo.InvariantCulture);
        }

        Assert.Equal(total, counts.Sum());
        Assert.All(chunks.Select((c, i) => (c, i)), x => Assert.Equal(x.i, x.c.Index));
        Assert.Null(chunks[0].Lower);
        Assert.Null(chunks[^1].Upper);
        for (var i = 1; i < chunks.Count; i++)
        {
            Assert.Equal(chunks[i - 1].Upper, chunks[i].Lower);
        }

        return counts;
    }

    [Fact]
    public async Task DenseIntegerKeySplitsEvenlyByRange()
    {
        var table = await TableAsync("dense");

        var chunks = await new ChunkPlanner().PlanAsync(db.Admin, table, 1000);
        var counts = await AssertTilesAsync(table, chunks);

        Assert.InRange(chunks.Count, 15, 25);
        Assert.All(counts, c => Assert.InRange(c, 500, 2000));
        Assert.All(chunks.Skip(1), c => Assert.Equal(KeyValueKind.Number, c.Lower![0].Kind));
    }

    [Fact]
    public async Task SkewedSparseIntegerKeyIsSubSplitAndEmptyRangesMerged()
    {
        var table = await TableAsync("sparse");

        var chunks = await new ChunkPlanner().PlanAsync(db.Admin, table, 1000);
        var counts = await AssertTilesAsync(table, chunks);

        // Without the skew guard the first of ~10 even ranges would hold all 6000 clustered ids.
        Assert.All(counts, c => Assert.InRange(c, 1, 2000));
        Assert.InRange(chunks.Count, 8, 16);
    }

    [Fact]
    public async Task CompositeKeyUsesSampledKeysetBoundaries()
    {
        var table = await TableAsync("composite");

        var chunks = await new ChunkPlanner().PlanAsync(db.Admin, table, 1000);
        var counts = await AssertTilesAsync(table, chunks);

        Assert.Equal(10, chunks.Count);
        Assert.All(counts, c => Assert.Equal(1000, c));
        Assert.All(chunks.Skip(1), c => Assert.Equal([KeyValueKind.Number, KeyValueKind.Text], c.Lower!.Select(v => v.Kind)));
        Assert.All(chunks, c => Assert.Equal(1000, c.RowEstimate));
    }

    [Fact]
    public async Task StringKeyInCaseInsensitiveCollationTilesExactly()
    {
        var table = await TableAsync("strings");

        var chunks = await new ChunkPlanner().PlanAsync(db.Admin, table, 700);
        var counts = await AssertTilesAsync(table, chunks);

        Assert.Equal(8, chunks.Count);
        Assert.All(counts.SkipLast(1), c => Assert.Equal(700, c));
        Assert.Equal(5000 - (7 * 700), counts[^1]);
    }

    [Fact]
    public async Task NullableOverrideKeyIsReadAsOneChunk()
    {
        var table = await TableAsync("nokey", ["a", "b"]);

        var chunks = await new ChunkPlanner().PlanAsync(db.Admin, table, 1000);

        var chunk = Assert.Single(chunks);
        await AssertTilesAsync(table, chunks);
        Assert.Null(chunk.Lower);
    }

    [Fact]
    public async Task ChunksRoundTripThroughJson()
    {
        var table = await TableAsync("composite");
        var chunks = await new ChunkPlanner().PlanAsync(db.Admin, table, 1000);

        var json = System.Text.Json.JsonSerializer.Serialize(chunks);
        var back = System.Text.Json.JsonSerializer.Deserialize<List<SnapshotChunk>>(json)!;

        Assert.Equal(chunks.Count, back.Count);
        Assert.Equal(chunks[3].Lower, back[3].Lower);
        Assert.Equal(
            KeysetPredicate.Build(table.KeyColumnDefinitions(), chunks[3].Lower, chunks[3].Upper),
            KeysetPredicate.Build(table.KeyColumnDefinitions(), back[3].Lower, back[3].Upper));
    }

    [Fact]
    public async Task TableWithoutKeyIsRefusedWithFix()
    {
        var table = await TableAsync("nokey");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => new ChunkPlanner().PlanAsync(db.Admin, table, 1000));
        Assert.Contains("\"keys\"", e.Message, StringComparison.Ordinal);
    }
}
