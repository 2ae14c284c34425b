using System.Globalization;
using System.Text.Json;
using Serverless.Cdc.Capture;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Schema.Evolution;
using Serverless.Cdc.Snapshot;
using Serverless.Cdc.Writer;
using Serverless.Delta;
using Serverless.Delta.Compaction;
using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;
using Serverless.Parquet;

namespace Serverless.Cdc.IntegrationTests.Writer;

/// <summary>
/// ADD COLUMN with a DEFAULT (or NOT NULL without one) and MODIFY to NOT NULL on real MariaDB through capture, the embedded
/// log and a writer: the rows that existed get, in the lake, the value the server gave them, in the DDL's one commit.
/// </summary>
public sealed class ColumnBackfillTests
{
    [Fact]
    public async Task ColumnsAddedWithDefaultsFillTheRowsBeforeThemInTheDdlsOneCommit()
    {
        await using var rig = await DdlStreamRig.CreateAsync("cdc_it_backfill_add");
        var admin = rig.Db.Admin;
        await admin.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20))");
        var table = await rig.LakeTableAsync("t");
        await rig.StartAsync();

        await admin.ExecuteAsync("INSERT INTO t VALUES " + string.Join(", ", Enumerable.Range(1, 8).Select(i => $"({i}, 'n{i}')")));
        await admin.ExecuteAsync("ALTER TABLE t ADD COLUMN qty INT NOT NULL DEFAULT 5");
        await admin.ExecuteAsync("DELETE FROM t WHERE id = 2");
        await admin.ExecuteAsync("UPDATE t SET qty = 6, name = 'changed' WHERE id = 3");
        await admin.ExecuteAsync("INSERT INTO t (id, name) VALUES (9, 'n9')");

        // Several ADDs in one statement, placed FIRST and AFTER, on a table whose files carry deletion vectors by now.
        await admin.ExecuteAsync(
            "ALTER TABLE t ADD COLUMN code VARCHAR(5) NOT NULL DEFAULT 'x''y' FIRST, ADD COLUMN size ENUM('Small','Large') NOT NULL AFTER id, " +
            "ADD COLUMN price DECIMAL(6,2) DEFAULT 1.505, ADD COLUMN born DATE NOT NULL DEFAULT '2024-02-29', ADD COLUMN flags SET('a','b','c') NOT NULL DEFAULT 'c,a', " +
            "ADD COLUMN plain INT, ADD COLUMN unset VARCHAR(3) NOT NULL, ADD COLUMN small TINYINT UNSIGNED NOT NULL DEFAULT '200'");
        await admin.ExecuteAsync("INSERT INTO t (id, name, qty, born) VALUES (10, 'n10', 1, '2000-01-01')");
        await admin.ExecuteAsync("UPDATE t SET price = NULL, size = 'Large' WHERE id = 4");

        await rig.CaptureAsync();
        using var writer = rig.Writer([table], SchemaChangeBehavior.Evolve);
        await writer.DrainAsync();

        Assert.Empty(writer.StoppedTables);
        string[] columns = ["code", "id", "size", "name", "qty", "price", "flags", "plain", "unset", "small"];
        var expected = await rig.SourceRowsAsync("t", columns);
        Assert.Equal(9, expected.Count);
        Assert.Contains("x'y|1|Small|n1|5|1.51|a,c|null||200", expected);
        Assert.Equal(expected, await rig.LakeRowsAsync("t", columns));
        Assert.Equal(expected, await rig.DuckDbRowsAsync("t", columns));
        Assert.Equal(await SourceDatesAsync(rig), await LakeDatesAsync(rig));

        // The second ALTER is one commit: the new schema, every live file removed (some with a deletion vector) and its
        // rewrite added with statistics and without deleted rows.
        var alter = Commits(rig, "t").Last(c => c.Operation == "CHANGE COLUMN");
        Assert.True(alter.Metadata);
        Assert.True(alter.Removes > 0);
        Assert.Equal(alter.Removes, alter.Adds);
        Assert.True(alter.AddsHaveStats);
        Assert.True(alter.RemovedDeletionVectors > 0);
        Assert.Equal(0, alter.DeletionVectors);
    }

    [Fact]
    public async Task AnEmptyTableGetsTheColumnWithoutARewrite()
    {
        await using var rig = await DdlStreamRig.CreateAsync("cdc_it_backfill_empty");
        var admin = rig.Db.Admin;
        await admin.ExecuteAsync("CREATE TABLE e (id INT PRIMARY KEY, v INT)");
        var table = await rig.LakeTableAsync("e");
        await rig.StartAsync();
        await admin.ExecuteAsync("ALTER TABLE e ADD COLUMN w INT NOT NULL DEFAULT 7");
        await admin.ExecuteAsync("INSERT INTO e (id, v) VALUES (1, 1)");

        await rig.CaptureAsync();
        using var writer = rig.Writer([table], SchemaChangeBehavior.Evolve);
        await writer.DrainAsync();

        Assert.Empty(writer.StoppedTables);
        var alter = Commits(rig, "e").Single(c => c.Operation == "CHANGE COLUMN");
        Assert.Equal((true, 0, 0), (alter.Metadata, alter.Removes, alter.Adds));
        Assert.Equal(["1|1|7"], await rig.LakeRowsAsync("e", "id", "v", "w"));
        Assert.Equal(await rig.SourceRowsAsync("e", "id", "v", "w"), await rig.DuckDbRowsAsync("e", "id", "v", "w"));
    }

    [Fact]
    public async Task CurrentTimestampFillsTheRowsWithTheInstantOfTheAlter()
    {
        await using var rig = await DdlStreamRig.CreateAsync("cdc_it_backfill_now");
        var admin = rig.Db.Admin;
        await admin.ExecuteAsync("CREATE TABLE n (id INT PRIMARY KEY)");
        var table = await rig.LakeTableAsync("n");
        await rig.StartAsync();
        await admin.ExecuteAsync("INSERT INTO n VALUES (1), (2)");

        // The session's clock is fixed, so the test does not depend on when it runs; the server evaluates
        // CURRENT_TIMESTAMP once, at the statement's start, for every existing row.
        await admin.ExecuteAsync("SET timestamp = 1700000000");
        await admin.ExecuteAsync("ALTER TABLE n ADD COLUMN at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, ADD COLUMN seen TIMESTAMP NULL DEFAULT NOW()");
        await admin.ExecuteAsync("SET timestamp = DEFAULT");
        await admin.ExecuteAsync("INSERT INTO n (id, at, seen) VALUES (3, '2001-02-03 04:05:06', NULL)");

        await rig.CaptureAsync();
        using var writer = rig.Writer([table], SchemaChangeBehavior.Evolve);
        await writer.DrainAsync();

        Assert.Empty(writer.StoppedTables);
        var source = await admin.QueryTextRowsAsync("SELECT id, UNIX_TIMESTAMP(at), UNIX_TIMESTAMP(seen) FROM n ORDER BY id");
        Assert.Equal(["1|1700000000|1700000000", "2|1700000000|1700000000", "3|981173106|null"], source.Select(r => string.Join("|", r.Select(v => v ?? "null"))));
        Assert.Equal(source.Select(r => string.Join("|", r.Select(v => v ?? "null"))), await LakeUnixSecondsAsync(rig, "n", "at", "seen"));
        var duck = await rig.DuckDbRowsAsync("n", "id", "at");
        Assert.Equal(["1|2023-11-14 22:13:20+00", "2|2023-11-14 22:13:20+00", "3|2001-02-03 04:05:06+00"], duck);
    }

    [Fact]
    public async Task ModifyToNotNullFillsTheNullsWithWhatTheServerPutThere()
    {
        await using var rig = await DdlStreamRig.CreateAsync("cdc_it_backfill_notnull");
        var admin = rig.Db.Admin;
        await admin.ExecuteAsync("CREATE TABLE m (id INT PRIMARY KEY, v INT NULL, s VARCHAR(5) NULL, k ENUM('p','q') NULL)");
        var table = await rig.LakeTableAsync("m");
        await rig.StartAsync();
        await admin.ExecuteAsync("INSERT INTO m VALUES (1, NULL, NULL, NULL), (2, 2, 'b', 'q'), (3, NULL, 'c', NULL)");

        // Strict mode refuses to turn the NULLs into values (and the binlog never sees the statement) ...
        await admin.ExecuteAsync("SET SESSION sql_mode = 'STRICT_TRANS_TABLES'");
        await Assert.ThrowsAnyAsync<Exception>(() => admin.ExecuteAsync("ALTER TABLE m MODIFY v INT NOT NULL"));

        // ... a non-strict session gets the type's implicit default in them, not the column's DEFAULT.
        await admin.ExecuteAsync("SET SESSION sql_mode = ''");
        await admin.ExecuteAsync("ALTER TABLE m MODIFY v INT NOT NULL DEFAULT 9, MODIFY s VARCHAR(5) NOT NULL, CHANGE k kind ENUM('p','q') NOT NULL");
        await admin.ExecuteAsync("INSERT INTO m (id) VALUES (4)");
        await admin.ExecuteAsync("SET timestamp = 1700000000");
        await admin.ExecuteAsync("ALTER TABLE m ADD COLUMN at TIMESTAMP NULL");
        await admin.ExecuteAsync("ALTER TABLE m MODIFY at TIMESTAMP NOT NULL"); // MariaDB gives the NULLs the statement's time
        await admin.ExecuteAsync("SET timestamp = DEFAULT");

        await rig.CaptureAsync();
        using var writer = rig.Writer([table], SchemaChangeBehavior.Evolve);
        await writer.DrainAsync();

        Assert.Empty(writer.StoppedTables);
        string[] columns = ["id", "v", "s", "kind"];
        var expected = await rig.SourceRowsAsync("m", columns);
        Assert.Equal(["1|0||", "2|2|b|q", "3|0|c|", "4|9||p"], expected); // the NULLs became the zero values, not the DEFAULT or the first label
        Assert.Equal(expected, await rig.LakeRowsAsync("m", columns));
        Assert.Equal(expected, await rig.DuckDbRowsAsync("m", columns));
        Assert.Equal(["1|1700000000", "2|1700000000", "3|1700000000", "4|1700000000"], (await admin.QueryTextRowsAsync("SELECT id, UNIX_TIMESTAMP(at) FROM m ORDER BY id")).Select(r => string.Join("|", r)));
        Assert.Equal(["1|1700000000", "2|1700000000", "3|1700000000", "4|1700000000"], await LakeUnixSecondsAsync(rig, "m", "at"));
    }

    [Fact]
    public async Task ADefaultThatDiffersPerRowStopsTheTableForASnapshotNamingTheColumn()
    {
        await using var rig = await DdlStreamRig.CreateAsync("cdc_it_backfill_uuid");
        var admin = rig.Db.Admin;
        await admin.ExecuteAsync("CREATE TABLE u (id INT PRIMARY KEY)");
        var table = await rig.LakeTableAsync("u");
        await rig.StartAsync();
        await admin.ExecuteAsync("INSERT INTO u VALUES (1), (2)");
        await admin.ExecuteAsync("ALTER TABLE u ADD COLUMN token CHAR(36) NOT NULL DEFAULT (UUID())");

        await rig.CaptureAsync();
        using var writer = rig.Writer([table], SchemaChangeBehavior.Evolve);
        await writer.DrainAsync();

        var stopped = Assert.IsType<TableNeedsSnapshotException>(Assert.Single(writer.StoppedTables).Value);
        Assert.Contains("column 'token'", stopped.Message, StringComparison.Ordinal);
        Assert.Contains("UUID()", stopped.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await admin.QueryTextRowsAsync("SELECT DISTINCT token FROM u")).Count); // one value per row at the source
        Assert.Equal(["1", "2"], await rig.LakeRowsAsync("u", "id")); // the rows before the DDL are in, the schema is not changed
        Assert.Null((await rig.LakeSnapshotAsync("u")).Schema.FindField("token"));
    }

    public static TheoryData<SchemaChangeBehavior, string[], Type?> Behaviours => new()
    {
        { SchemaChangeBehavior.Evolve, ["1|5", "2|5", "3|6"], null },
        { SchemaChangeBehavior.Lenient, ["1|5", "2|5", "3|6"], null }, // an addition keeps old readers working: backfilled as under evolve
        { SchemaChangeBehavior.Ignore, ["1", "2", "3"], null }, // the lake keeps its schema and rows: no column, no rewrite
        { SchemaChangeBehavior.Fail, ["1", "2"], typeof(SchemaChangeRejectedException) },
    };

    [Theory]
    [MemberData(nameof(Behaviours))]
    public async Task EachBehaviourKeepsItsMeaningForAnAddWithADefault(SchemaChangeBehavior behavior, string[] lakeRows, Type? stoppedBy)
    {
        await using var rig = await DdlStreamRig.CreateAsync("cdc_it_backfill_" + behavior.ToString().ToLowerInvariant());
        var admin = rig.Db.Admin;
        await admin.ExecuteAsync("CREATE TABLE b (id INT PRIMARY KEY)");
        var table = await rig.LakeTableAsync("b");
        await rig.StartAsync();
        await admin.ExecuteAsync("INSERT INTO b VALUES (1), (2)");
        await admin.ExecuteAsync("ALTER TABLE b ADD COLUMN w INT NOT NULL DEFAULT 5");
        await admin.ExecuteAsync("INSERT INTO b VALUES (3, 6)");

        await rig.CaptureAsync();
        using var writer = rig.Writer([table], behavior);
        await writer.DrainAsync();

        string[] columns = lakeRows[0].Contains('|', StringComparison.Ordinal) ? ["id", "w"] : ["id"];
        Assert.Equal(lakeRows, await rig.LakeRowsAsync("b", columns));
        Assert.Equal(lakeRows, await rig.DuckDbRowsAsync("b", columns));
        if (stoppedBy is null)
        {
            Assert.Empty(writer.StoppedTables);
        }
        else
        {
            Assert.IsType(stoppedBy, Assert.Single(writer.StoppedTables).Value);
        }
    }

    [Fact]
    public async Task UnderFailAModifyToNotNullStopsOnlyWhenTheLakeHoldsANullToFill()
    {
        await using var rig = await DdlStreamRig.CreateAsync("cdc_it_backfill_fail_modify");
        var admin = rig.Db.Admin;
        await admin.ExecuteAsync("CREATE TABLE full_t (id INT PRIMARY KEY, v INT NULL)");
        await admin.ExecuteAsync("CREATE TABLE holey (id INT PRIMARY KEY, v INT NULL)");
        WriterTable[] tables = [await rig.LakeTableAsync("full_t"), await rig.LakeTableAsync("holey")];
        await rig.StartAsync();
        await admin.ExecuteAsync("INSERT INTO full_t VALUES (1, 1), (2, 2)");
        await admin.ExecuteAsync("INSERT INTO holey VALUES (1, 1), (2, NULL)");
        await admin.ExecuteAsync("ALTER TABLE full_t MODIFY v INT NOT NULL");
        await admin.ExecuteAsync("ALTER TABLE holey MODIFY v INT NOT NULL");
        await admin.ExecuteAsync("INSERT INTO full_t VALUES (3, 3)");
        await admin.ExecuteAsync("INSERT INTO holey VALUES (3, 3)");

        await rig.CaptureAsync();
        using var writer = rig.Writer(tables, SchemaChangeBehavior.Fail);
        await writer.DrainAsync();

        var stopped = Assert.Single(writer.StoppedTables);
        Assert.Equal(rig.Db.Name + ".holey", stopped.Key);
        Assert.IsType<SchemaChangeRejectedException>(stopped.Value);
        Assert.Equal(["1|1", "2|2", "3|3"], await rig.LakeRowsAsync("full_t", "id", "v"));
        Assert.Equal(["1|1", "2|null"], await rig.LakeRowsAsync("holey", "id", "v")); // the rows before the DDL, as they were
    }

    [Fact]
    public async Task AWriterThatDiesBetweenTheRewritesUploadAndItsCommitLeavesOnlyOrphansAndTheRestartBackfills()
    {
        await using var rig = await DdlStreamRig.CreateAsync("cdc_it_backfill_crash");
        var admin = rig.Db.Admin;
        await admin.ExecuteAsync("CREATE TABLE c (id INT PRIMARY KEY, v INT)");
        var table = await rig.LakeTableAsync("c");
        await rig.StartAsync();
        await admin.ExecuteAsync("INSERT INTO c VALUES (1, 1), (2, 2), (3, 3)");
        await admin.ExecuteAsync("DELETE FROM c WHERE id = 3");
        await admin.ExecuteAsync("ALTER TABLE c ADD COLUMN w VARCHAR(3) NOT NULL DEFAULT 'abc'");
        await admin.ExecuteAsync("INSERT INTO c VALUES (4, 4, 'new')");
        await rig.CaptureAsync();

        // The first writer's store loses the DDL's commit: the rewritten files are uploaded, the log never names them.
        var losing = CommitInterceptingStore.Losing(rig.Store, "CHANGE COLUMN");
        var onLosingStore = table with { Lake = await DeltaTable.OpenAsync(new TableLocation(losing, rig.Db.Name + "_c/")) };
        using (var first = rig.Writer([onLosingStore], SchemaChangeBehavior.Evolve))
        {
            await first.DrainAsync();
            Assert.IsType<IOException>(Assert.Single(first.StoppedTables).Value);
        }

        var afterCrash = await rig.LakeSnapshotAsync("c");
        Assert.Null(afterCrash.Schema.FindField("w"));
        Assert.Equal(["1|1", "2|2"], await rig.LakeRowsAsync("c", "id", "v"));
        var orphans = DataFiles(rig, "c").Except(afterCrash.Files.Select(f => f.Path)).ToList();
        Assert.NotEmpty(orphans);

        // The restart applies the DDL again (its position is not recorded in the lake) and commits it with a new rewrite.
        using var restarted = rig.Writer([table with { Lake = await DeltaTable.OpenAsync(rig.Location(rig.Db.Name, "c")) }], SchemaChangeBehavior.Evolve);
        await restarted.DrainAsync();

        Assert.Empty(restarted.StoppedTables);
        string[] columns = ["id", "v", "w"];
        Assert.Equal(["1|1|abc", "2|2|abc", "4|4|new"], await rig.SourceRowsAsync("c", columns));
        Assert.Equal(await rig.SourceRowsAsync("c", columns), await rig.LakeRowsAsync("c", columns));
        Assert.Equal(await rig.SourceRowsAsync("c", columns), await rig.DuckDbRowsAsync("c", columns));
        var live = (await rig.LakeSnapshotAsync("c")).Files.Select(f => f.Path).ToList();
        Assert.Empty(live.Intersect(orphans));
        Assert.Single(Commits(rig, "c"), c => c.Operation == "CHANGE COLUMN");
    }

    /// <summary>The lake's rows as "id|seconds|..." with each timestamp as Unix seconds, sorted.</summary>
    private static async Task<List<string>> LakeUnixSecondsAsync(DdlStreamRig rig, string table, params string[] timestamps)
    {
        var lake = new List<string>();
        await foreach (var row in new DeltaScan(await rig.LakeSnapshotAsync(table)).Select(["id", .. timestamps]).ReadRowsAsync())
        {
            lake.Add(string.Join("|", row.Select(v => v is DateTime t ? new DateTimeOffset(t).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) : WriterLake.Text(v))));
        }

        lake.Sort(StringComparer.Ordinal);
        return lake;
    }

    [Fact]
    public async Task ABackfillThatLosesItsCommitToTheCompactorIsDoneAgainOnTheCompactedTable()
    {
        await using var rig = await DdlStreamRig.CreateAsync("cdc_it_backfill_race");
        var admin = rig.Db.Admin;
        await admin.ExecuteAsync("CREATE TABLE k (id INT PRIMARY KEY, v INT)");
        var table = await rig.LakeTableAsync("k");
        await rig.StartAsync();
        for (var i = 1; i <= 5; i++)
        {
            // A DDL that changes nothing in the lake still commits the rows before it: one small file each.
            await admin.ExecuteAsync($"INSERT INTO k VALUES ({i}, {i})");
            await admin.ExecuteAsync($"ALTER TABLE k COMMENT 'round {i}'");
        }

        await admin.ExecuteAsync("ALTER TABLE k ADD COLUMN w INT NOT NULL DEFAULT 3");
        await admin.ExecuteAsync("INSERT INTO k VALUES (6, 6, 6)");
        await rig.CaptureAsync();

        // The compactor commits between the backfill's rewrite and its commit: it removed the files the backfill replaces.
        var compacted = 0;
        var racing = CommitInterceptingStore.Wrap(rig.Store, "CHANGE COLUMN", async () =>
        {
            var result = await new TableCompactor(new CompactionOptions { MinInputFiles = 2 }).CompactAsync(await DeltaTable.OpenAsync(rig.Location(rig.Db.Name, "k")));
            compacted = result.FilesRemoved;
        });
        using var writer = rig.Writer([table with { Lake = await DeltaTable.OpenAsync(new TableLocation(racing, rig.Db.Name + "_k/")) }], SchemaChangeBehavior.Evolve);
        await writer.DrainAsync();

        Assert.Empty(writer.StoppedTables);
        Assert.Equal(5, compacted);
        string[] columns = ["id", "v", "w"];
        Assert.Equal(["1|1|3", "2|2|3", "3|3|3", "4|4|3", "5|5|3", "6|6|6"], await rig.SourceRowsAsync("k", columns));
        Assert.Equal(await rig.SourceRowsAsync("k", columns), await rig.LakeRowsAsync("k", columns));
        Assert.Equal(await rig.SourceRowsAsync("k", columns), await rig.DuckDbRowsAsync("k", columns));
        var commits = Commits(rig, "k");
        Assert.Equal(["OPTIMIZE", "CHANGE COLUMN"], commits.Select(c => c.Operation).Where(o => o is "OPTIMIZE" or "CHANGE COLUMN"));
        Assert.Equal((1, 1), (commits.Single(c => c.Operation == "CHANGE COLUMN").Removes, commits.Single(c => c.Operation == "CHANGE COLUMN").Adds));

        // The first attempt's outputs were deleted: every data file in the folder is one a commit added.
        Assert.Empty(DataFiles(rig, "k").Except(commits.SelectMany(c => c.AddedPaths)));
    }

    [Fact]
    public async Task AColumnWithADefaultAddedWhileTheTableIsSnapshottedFillsOnlyTheRowsReadBeforeIt()
    {
        await using var rig = await DdlStreamRig.CreateAsync("cdc_it_backfill_loading");
        var admin = rig.Db.Admin;
        await admin.ExecuteAsync("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20))");
        await admin.ExecuteAsync("INSERT INTO items VALUES " + string.Join(", ", Enumerable.Range(1, 20).Select(i => $"({i}, 'item {i}')")));
        var table = await rig.LakeTableAsync("items", live: false);
        var chunks = await new ChunkPlanner().PlanAsync(admin, table.Mapping.Table, 10);
        Assert.True(chunks.Count >= 2, $"{chunks.Count} chunks");
        await rig.StartAsync();

        // The first chunk is read before the ALTER (no price); the others after it, with the source's values, NULL included.
        await SchemaChangeTests.CommitChunkAsync(rig, chunks[0], table.Mapping);
        await admin.ExecuteAsync("ALTER TABLE items ADD COLUMN price DECIMAL(6,2) NULL DEFAULT 2.50");
        await admin.ExecuteAsync("UPDATE items SET price = NULL WHERE id IN (1, 15)");
        var lake = table.Lake;
        await lake.RefreshAsync();
        await lake.CommitAsync(lake.BeginTransaction("CHANGE COLUMN").UpdateMetadata(SchemaEvolution.AddColumn(lake.Snapshot, new StructField("price", new DecimalType(6, 2), nullable: true)).Metadata));
        var after = TypeMapper.Map(await rig.DiscoverAsync("items"));
        foreach (var chunk in chunks.Skip(1))
        {
            await SchemaChangeTests.CommitChunkAsync(rig, chunk, after);
        }

        await rig.CaptureAsync();
        using var writer = rig.Writer([table], SchemaChangeBehavior.Evolve);
        await writer.DrainAsync();
        await SnapshotCompletion.MarkAsync(await DeltaTable.OpenAsync(rig.Location(rig.Db.Name, "items")));
        await writer.DrainAsync();

        Assert.Empty(writer.StoppedTables);
        string[] columns = ["id", "name", "price"];
        var expected = await rig.SourceRowsAsync("items", columns);
        Assert.Contains("15|item 15|null", expected);
        Assert.Contains("2|item 2|2.50", expected);
        Assert.Equal(expected, await rig.LakeRowsAsync("items", columns));
        Assert.Equal(expected, await rig.DuckDbRowsAsync("items", columns));
    }

    private static async Task<List<string>> SourceDatesAsync(DdlStreamRig rig) =>
        (await rig.Db.Admin.QueryTextRowsAsync("SELECT id, DATE_FORMAT(born, '%Y-%m-%d') FROM t ORDER BY id")).Select(r => string.Join("|", r)).ToList();

    private static async Task<List<string>> LakeDatesAsync(DdlStreamRig rig)
    {
        var rows = new List<(int Id, string Born)>();
        await foreach (var row in new DeltaScan(await rig.LakeSnapshotAsync("t")).Select("id", "born").ReadRowsAsync())
        {
            rows.Add(((int)row[0]!, ((DateOnly)row[1]!).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }

        return rows.OrderBy(r => r.Id).Select(r => r.Id.ToString(CultureInfo.InvariantCulture) + "|" + r.Born).ToList();
    }

    /// <summary>The data files in the table's folder (relative paths as the log writes them).</summary>
    private static List<string> DataFiles(DdlStreamRig rig, string table) =>
        Directory.EnumerateFiles(rig.Folder(table), "*.parquet").Select(p => Path.GetFileName(p)).ToList();

    /// <summary>What each commit of the table's log holds, in version order.</summary>
    private static List<CommitSummary> Commits(DdlStreamRig rig, string table)
    {
        var commits = new List<CommitSummary>();
        foreach (var path in Directory.EnumerateFiles(Path.Combine(rig.Folder(table), "_delta_log"), "*.json").Order(StringComparer.Ordinal))
        {
            var summary = new CommitSummary();
            foreach (var line in File.ReadAllLines(path).Where(l => l.Length > 0))
            {
                using var action = JsonDocument.Parse(line);
                var root = action.RootElement;
                if (root.TryGetProperty("commitInfo", out var info) && info.TryGetProperty("operation", out var op))
                {
                    summary.Operation = op.GetString();
                }

                summary.Metadata |= root.TryGetProperty("metaData", out _);
                if (root.TryGetProperty("remove", out var remove))
                {
                    summary.Removes++;
                    summary.RemovedDeletionVectors += remove.TryGetProperty("deletionVector", out var removed) && removed.ValueKind == JsonValueKind.Object ? 1 : 0;
                }

                if (root.TryGetProperty("add", out var add))
                {
                    summary.Adds++;
                    summary.AddedPaths.Add(add.GetProperty("path").GetString()!);
                    summary.AddsHaveStats &= add.TryGetProperty("stats", out var stats) && stats.ValueKind == JsonValueKind.String;
                    summary.DeletionVectors += add.TryGetProperty("deletionVector", out var dv) && dv.ValueKind == JsonValueKind.Object ? 1 : 0;
                }
            }

            commits.Add(summary);
        }

        return commits;
    }

    private sealed class CommitSummary
    {
        public string? Operation { get; set; }

        public bool Metadata { get; set; }

        public int Removes { get; set; }

        public int Adds { get; set; }

        public bool AddsHaveStats { get; set; } = true;

        public int DeletionVectors { get; set; }

        public int RemovedDeletionVectors { get; set; }

        public List<string> AddedPaths { get; } = [];
    }
}
