using System.Globalization;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Snapshot;

namespace Serverless.Cdc.IntegrationTests;

/// <summary>
/// Chunks must tile the key space: every row satisfies exactly one chunk's predicate. Checked in MariaDB itself by
/// summing the chunk predicates per row (each row's sum must be 1), and by COUNT(*) per chunk against the total.
/// </summary>
public sealed class ChunkPlannerTests(ChunkPlannerTests.PlannerTables tables) : IClassFixture<ChunkPlannerTests.PlannerTables>
{
    private readonly SourceDatabase db = tables.Db;

    /// <summary>The tables every test plans, created once for the class (the tests only read them).</summary>
    public sealed class PlannerTables : IAsyncLifetime
    {
        public SourceDatabase Db { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Db = await SourceDatabase.CreateAsync("cdc_it_plan");
            await Db.Admin.ExecuteAsync("CREATE TABLE dense (id INT PRIMARY KEY, v VARCHAR(10))");
            await Db.Admin.ExecuteAsync("INSERT INTO dense SELECT seq, 'x' FROM seq_1_to_20000");

            // 6000 clustered ids, then 4000 ids spread a million apart: even ranges would put all the clustered ids in one.
            await Db.Admin.ExecuteAsync("CREATE TABLE sparse (id BIGINT UNSIGNED PRIMARY KEY, v INT)");
            await Db.Admin.ExecuteAsync("INSERT INTO sparse SELECT seq, seq FROM seq_1_to_6000");
            await Db.Admin.ExecuteAsync("INSERT INTO sparse SELECT seq * 1000000, seq FROM seq_1_to_4000");

            await Db.Admin.ExecuteAsync("CREATE TABLE composite (a INT NOT NULL, b VARCHAR(20) NOT NULL, v INT, PRIMARY KEY (a, b))");
            await Db.Admin.ExecuteAsync("INSERT INTO composite SELECT x.seq, CONCAT('k', LPAD(y.seq, 3, '0')), 1 FROM seq_1_to_50 x, seq_1_to_200 y");
            await Db.Admin.ExecuteAsync("CREATE TABLE composite_text (b VARCHAR(20) NOT NULL, a INT NOT NULL, v INT, PRIMARY KEY (b, a))");
            await Db.Admin.ExecuteAsync("INSERT INTO composite_text SELECT CONCAT('k', LPAD(y.seq, 3, '0')), x.seq, 1 FROM seq_1_to_50 x, seq_1_to_200 y");

            // A salary history: two rows per id, but id 777 holds 5000 more, over twice a chunk of 1000 on one id.
            await Db.Admin.ExecuteAsync("CREATE TABLE history (id INT NOT NULL, from_date DATE NOT NULL, n INT, PRIMARY KEY (id, from_date))");
            await Db.Admin.ExecuteAsync("INSERT INTO history SELECT (seq + 1) DIV 2, DATE '2000-01-01' + INTERVAL seq % 2 YEAR, seq FROM seq_1_to_4000");
            await Db.Admin.ExecuteAsync("INSERT INTO history SELECT 777, DATE '2010-01-01' + INTERVAL seq DAY, seq FROM seq_1_to_5000");

            await Db.Admin.ExecuteAsync("CREATE TABLE strings (k VARCHAR(64) NOT NULL PRIMARY KEY, v INT) COLLATE utf8mb4_unicode_ci");
            await Db.Admin.ExecuteAsync(
                "INSERT INTO strings SELECT CONCAT(ELT(1 + seq % 5, 'Äpfel', 'apple', 'Zebra', '😀 ', 'o''brien'), '-', seq), seq FROM seq_1_to_5000");

            // Ids 1..1000, then a dense run of 50,001 ids: even ranges put the run in one range, which must be sub-split.
            await Db.Admin.ExecuteAsync("CREATE TABLE clustered (id INT PRIMARY KEY, v INT)");
            await Db.Admin.ExecuteAsync("INSERT INTO clustered SELECT seq, seq FROM seq_1_to_1000");
            await Db.Admin.ExecuteAsync("INSERT INTO clustered SELECT seq, seq FROM seq_1000000_to_1050000");

            // Every 10th id, rows wide enough that a range spans many pages: InnoDB then estimates ranges from pages and
            // doubles the estimate to be safe, so EXPLAIN says about twice the real rows, over the skew limit.
            await Db.Admin.ExecuteAsync("CREATE TABLE every10 (id INT PRIMARY KEY, v CHAR(255) NOT NULL) CHARACTER SET latin1");
            await Db.Admin.ExecuteAsync("INSERT INTO every10 SELECT seq * 10, REPEAT('x', 255) FROM seq_1_to_50000");

            // A non-unique integer override key: values 5000..5100 repeat 100 times, so a narrow range holds many rows.
            await Db.Admin.ExecuteAsync("CREATE TABLE grouped (id INT PRIMARY KEY, g INT NOT NULL, KEY by_g (g))");
            await Db.Admin.ExecuteAsync("INSERT INTO grouped SELECT seq, seq FROM seq_1_to_10000");
            await Db.Admin.ExecuteAsync("INSERT INTO grouped SELECT 10000 + seq, 5000 + seq DIV 100 FROM seq_1_to_10000");

            await Db.Admin.ExecuteAsync("CREATE TABLE nokey (a INT, b INT)");
            await Db.Admin.ExecuteAsync("INSERT INTO nokey SELECT seq % 7, seq FROM seq_1_to_3000");
            await Db.Admin.ExecuteAsync("INSERT INTO nokey VALUES (NULL, 1)");
            await Db.Admin.ExecuteAsync("ANALYZE TABLE dense, sparse, composite, composite_text, history, strings, clustered, every10, grouped, nokey");
        }

        public async Task DisposeAsync() => await Db.DisposeAsync();
    }

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

    /// <summary>The session's statement and handler counters: what the planner asked the server, and how many index entries it read.</summary>
    private async Task<SessionWork> SessionWorkAsync()
    {
        var rows = await db.Admin.QueryTextRowsAsync(
            "SHOW SESSION STATUS WHERE Variable_name IN ('Com_select', 'Handler_read_key', 'Handler_read_next', 'Handler_read_prev', 'Handler_read_rnd_next')");
        var values = rows.ToDictionary(r => r[0]!, r => long.Parse(r[1]!, CultureInfo.InvariantCulture), StringComparer.OrdinalIgnoreCase);
        return new SessionWork(values["Com_select"], values["Handler_read_key"], values["Handler_read_next"] + values["Handler_read_prev"] + values["Handler_read_rnd_next"]);
    }

    /// <summary>SELECTs run (EXPLAIN counts as one), index lookups, and rows or index entries stepped over by scans.</summary>
    private sealed record SessionWork(long Selects, long KeyLookups, long RowsScanned)
    {
        public static SessionWork operator -(SessionWork after, SessionWork before) =>
            new(after.Selects - before.Selects, after.KeyLookups - before.KeyLookups, after.RowsScanned - before.RowsScanned);
    }

    private async Task<(IReadOnlyList<SnapshotChunk> Chunks, SessionWork Work)> PlanMeasuredAsync(SourceTable table, long chunkRows)
    {
        var before = await SessionWorkAsync();
        var chunks = await new ChunkPlanner().PlanAsync(db.Admin, table, chunkRows);
        return (chunks, await SessionWorkAsync() - before);
    }

    [Theory]
    [InlineData(1000, 20)]
    [InlineData(3000, 7)]
    [InlineData(1500, 14)]
    public async Task DenseIntegerKeyIsPlannedFromMinMaxAloneWithoutScanningKeys(long chunkRows, int expectedChunks)
    {
        var table = await TableAsync("dense");

        var (chunks, work) = await PlanMeasuredAsync(table, chunkRows);
        var counts = await AssertTilesAsync(table, chunks);

        // One SELECT (MIN/MAX, answered from the ends of the index): no EXPLAIN, no count, no sampling scan.
        Assert.Equal(new SessionWork(1, 0, 0), work);
        Assert.Equal(expectedChunks, chunks.Count);
        Assert.All(counts, c => Assert.InRange(c, chunkRows / 2, chunkRows));
        Assert.Equal(counts, chunks.Select(c => c.RowEstimate));
        Assert.All(chunks.Skip(1), c => Assert.Equal(KeyValueKind.Number, c.Lower![0].Kind));
    }

    [Fact]
    public async Task SmallTableWithAnIntegerKeyIsOneChunkWithoutACountingScan()
    {
        var table = await TableAsync("dense");

        var (chunks, work) = await PlanMeasuredAsync(table, 50_000);

        // MIN/MAX prove the 20,000 ids fit one chunk: no bounded COUNT(*) over the table.
        Assert.Equal(new SessionWork(1, 0, 0), work);
        var chunk = Assert.Single(chunks);
        Assert.Null(chunk.Lower);
        Assert.Null(chunk.Upper);
        Assert.Equal(20_000, chunk.RowEstimate);
    }

    [Fact]
    public async Task StaleSmallEstimateOfAnIntegerKeyTableStillSplitsIt()
    {
        // The statistics say 10 rows; MIN/MAX say 20,000 ids, more than the skew limit allows in one range.
        var table = await TableAsync("dense") with { RowEstimate = 10 };

        var (chunks, _) = await PlanMeasuredAsync(table, 1000);
        var counts = await AssertTilesAsync(table, chunks);

        Assert.True(chunks.Count >= 10, $"{chunks.Count} chunks: {string.Join(", ", counts)}");
        Assert.All(counts, c => Assert.InRange(c, 1, 2000));
    }

    [Fact]
    public async Task OverrideKeyBackedByAUniqueIndexIsPlannedLikeAPrimaryKey()
    {
        var table = await TableAsync("dense", ["id"]);

        var (chunks, work) = await PlanMeasuredAsync(table, 1000);
        var counts = await AssertTilesAsync(table, chunks);

        // The index is looked up (information_schema), then MIN/MAX: still no EXPLAIN and no key scan.
        Assert.Equal(TableKeySource.Override, table.KeySource);
        Assert.Equal(2, work.Selects);
        Assert.Equal(0, work.KeyLookups);
        Assert.Equal(20, chunks.Count);
        Assert.All(counts, c => Assert.Equal(1000, c));
    }

    [Fact]
    public async Task SkewedSparseIntegerKeyIsSubSplitAndEmptyRangesMerged()
    {
        var table = await TableAsync("sparse");

        var chunks = await new ChunkPlanner().PlanAsync(db.Admin, table, 1000);
        var counts = await AssertTilesAsync(table, chunks);

        // Without the skew guard the first of ~10 even ranges would hold all 6000 clustered ids.
        Assert.All(counts, c => Assert.InRange(c, 500, 1500));
        Assert.InRange(chunks.Count, 7, 16);
    }

    [Fact]
    public async Task DenseRunAmongFewIdsIsSubSplitAndItsRemaindersFolded()
    {
        var table = await TableAsync("clustered");

        var (chunks, work) = await PlanMeasuredAsync(table, 5000);
        var counts = await AssertTilesAsync(table, chunks);

        // 51,001 rows: the run of 50,001 ids is cut at sampled keys (a scan of it), and neither the 1000 ids before it
        // nor the one id left after the last full chunk is a chunk of its own.
        Assert.InRange(work.RowsScanned, 50_001, 200_000);
        Assert.Equal(10, chunks.Count);
        Assert.All(counts, c => Assert.InRange(c, 2500, 7500));

        // Sampled chunks know their rows; the first is EXPLAIN's (InnoDB reports an empty range as 1 row).
        Assert.Equal(counts.Skip(1), chunks.Skip(1).Select(c => c.RowEstimate));
        Assert.InRange(chunks[0].RowEstimate, counts[0], counts[0] + 20);
    }

    [Fact]
    public async Task SparseUniformIdsAreCountedNotSubSplitWhenEstimatesAreHigh()
    {
        var table = await TableAsync("every10");
        var keys = table.KeyColumnDefinitions();

        var (chunks, work) = await PlanMeasuredAsync(table, 5000);
        var counts = await AssertTilesAsync(table, chunks);

        // Ranges are 10 ids wide per row, over the skew limit, so each is estimated; EXPLAIN overestimates them past
        // twice a chunk and the bounded count finds 5000 rows: no range is sampled, and each chunk's estimate is exact.
        Assert.Equal(10, chunks.Count);
        Assert.All(counts, c => Assert.InRange(c, 4900, 5100));
        Assert.Equal(counts, chunks.Select(c => c.RowEstimate));
        var overestimated = 0;
        foreach (var c in chunks)
        {
            var plan = await db.Admin.QueryTextRowsAsync(
                $"EXPLAIN SELECT id FROM every10 FORCE INDEX (PRIMARY) WHERE {KeysetPredicate.Build(keys, c.Lower, c.Upper)}");
            overestimated += long.Parse(plan[0][8]!, CultureInfo.InvariantCulture) > 10_000 ? 1 : 0;
        }

        Assert.Equal(10, overestimated);
        // MIN/MAX, ten EXPLAINs, ten bounded counts, and nothing else. Each count steps over its range's rows twice (the
        // index range, then the derived table it fills); a sampling scan would step over them a third time.
        Assert.Equal(1 + 10 + 10, work.Selects);
        Assert.InRange(work.RowsScanned, 2 * 50_000, 2 * (50_000 + 10));
    }

    [Fact]
    public async Task NonUniqueIntegerOverrideKeyIsNotTrustedToHoldOneRowPerValue()
    {
        var table = await TableAsync("grouped", ["g"]);

        var chunks = await new ChunkPlanner().PlanAsync(db.Admin, table, 1000);
        var counts = await AssertTilesAsync(table, chunks);

        // Range widths would put 10,000 repeated values in one 500-value range; every chunk stays within the skew limit
        // (a sampled chunk can exceed a chunk only by one value's repeats).
        Assert.Equal(TableKeySource.Override, table.KeySource);
        Assert.All(counts, c => Assert.InRange(c, 1, 2000));
        Assert.InRange(chunks.Count, 14, 30);
    }

    [Fact]
    public async Task CompositeKeyLedByAnIntegerIsPlannedOnThatColumnWithoutAKeyScan()
    {
        var table = await TableAsync("composite");

        var (chunks, work) = await PlanMeasuredAsync(table, 1000);
        var counts = await AssertTilesAsync(table, chunks);

        // 50 values of a, 200 rows each: ten ranges of five values, bounded on a alone. MIN/MAX and one EXPLAIN per
        // range (index dives), no scan of the 10,000 keys.
        Assert.Equal(10, chunks.Count);
        Assert.All(counts, c => Assert.Equal(1000, c));
        Assert.All(chunks.Skip(1), c => Assert.Equal([KeyValueKind.Number], c.Lower!.Select(v => v.Kind)));
        Assert.Equal(1 + 10, work.Selects);
        Assert.InRange(work.RowsScanned, 0, 100);
    }

    [Fact]
    public async Task CompositeKeyLedByTextUsesSampledKeysetBoundaries()
    {
        var table = await TableAsync("composite_text");

        var chunks = await new ChunkPlanner().PlanAsync(db.Admin, table, 1000);
        var counts = await AssertTilesAsync(table, chunks);

        Assert.Equal(10, chunks.Count);
        Assert.All(counts, c => Assert.Equal(1000, c));
        Assert.All(chunks.Skip(1), c => Assert.Equal([KeyValueKind.Text, KeyValueKind.Number], c.Lower!.Select(v => v.Kind)));
        Assert.All(chunks, c => Assert.Equal(1000, c.RowEstimate));
    }

    [Fact]
    public async Task OneLeadingIdOverManyChunksIsSubSplitOnTheWholeKey()
    {
        var table = await TableAsync("history");

        var (chunks, work) = await PlanMeasuredAsync(table, 1000);
        var counts = await AssertTilesAsync(table, chunks);

        // Id 777's 5000 rows cannot be split by ranges of id: its range is cut at sampled (id, from_date) keys, so
        // prefix bounds on id and whole-key bounds meet, and only that range is scanned.
        Assert.All(counts, c => Assert.InRange(c, 500, 1500));
        Assert.Contains(chunks, c => c.Lower is { Count: 2 } && c.Lower[0].Text == "777");
        Assert.Contains(chunks, c => c.Lower is { Count: 1 });
        Assert.InRange(work.RowsScanned, 5000, 3 * 6000);
    }

    [Fact]
    public async Task StringKeyInCaseInsensitiveCollationTilesExactly()
    {
        var table = await TableAsync("strings");

        var chunks = await new ChunkPlanner().PlanAsync(db.Admin, table, 700);
        var counts = await AssertTilesAsync(table, chunks);

        // 5000 = 7 * 700 + 100: the remainder of 100 joins the last chunk instead of being a chunk of its own.
        Assert.Equal(7, chunks.Count);
        Assert.All(counts.SkipLast(1), c => Assert.Equal(700, c));
        Assert.Equal(800, counts[^1]);
        Assert.Equal(800, chunks[^1].RowEstimate);
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
