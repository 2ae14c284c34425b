using Serverless.Cdc.Capture;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Schema.Evolution;
using Serverless.Cdc.Snapshot;
using Serverless.Cdc.Transport;
using Serverless.Cdc.Writer;
using Serverless.Delta;
using Serverless.Delta.Actions;
using Serverless.Delta.Schema;

namespace Serverless.Cdc.IntegrationTests.Writer;

/// <summary>
/// DDL from the binlog through capture, the embedded change log and a writer with <see cref="SchemaChangeEvolver"/>: the
/// lake table evolves in order with the rows around each statement, and ends equal to the source (by our reader and by DuckDB).
/// </summary>
public sealed class SchemaChangeTests
{
    [Fact]
    public async Task EveryKindOfDdlBetweenRowsOfOneStretchEvolvesTheLakeToEqualTheSource()
    {
        await using var rig = await DdlStreamRig.CreateAsync("cdc_it_ddl_evolve");
        var admin = rig.Db.Admin;
        await admin.ExecuteAsync("CREATE TABLE orders (id INT PRIMARY KEY, name VARCHAR(20), qty INT NOT NULL, note VARCHAR(10))");
        await admin.ExecuteAsync("CREATE TABLE events (id INT PRIMARY KEY, what VARCHAR(20))");
        var orders = await rig.LakeTableAsync("orders");
        var events = await rig.LakeTableAsync("events");
        await rig.StartAsync();

        await admin.ExecuteAsync("INSERT INTO orders VALUES (1, 'a', 1, 'n1'), (2, 'b', 2, 'n2')");
        await admin.ExecuteAsync("ALTER TABLE orders ADD COLUMN added DECIMAL(8,2) NULL AFTER name");
        await admin.ExecuteAsync("INSERT INTO orders VALUES (3, 'c', 1.50, 3, 'n3')");
        await admin.ExecuteAsync("UPDATE orders SET added = 2.25 WHERE id = 1");
        await admin.ExecuteAsync("ALTER TABLE orders DROP COLUMN note");
        await admin.ExecuteAsync("INSERT INTO orders VALUES (4, 'd', NULL, 4)");
        await admin.ExecuteAsync("ALTER TABLE orders RENAME COLUMN name TO title");
        await admin.ExecuteAsync("UPDATE orders SET title = 'b2' WHERE id = 2");
        await admin.ExecuteAsync("ALTER TABLE orders MODIFY qty BIGINT NOT NULL");
        await admin.ExecuteAsync("INSERT INTO orders VALUES (5, 'e', 5.50, 5000000000)");
        await admin.ExecuteAsync("ALTER TABLE orders ADD COLUMN flag TINYINT NOT NULL DEFAULT 1, ADD INDEX ix_title (title)");
        await admin.ExecuteAsync("UPDATE orders SET flag = 2"); // overwrites the DEFAULT the ALTER backfilled
        await admin.ExecuteAsync("INSERT INTO orders VALUES (6, 'f', NULL, 6, 0)");
        await admin.ExecuteAsync("DELETE FROM orders WHERE id = 3");

        await admin.ExecuteAsync("INSERT INTO events VALUES (1, 'before'), (2, 'before')");
        await admin.ExecuteAsync("TRUNCATE TABLE events");
        await admin.ExecuteAsync("INSERT INTO events VALUES (2, 'after'), (3, 'after')");

        await admin.ExecuteAsync("CREATE TABLE created_later (id INT NOT NULL, label VARCHAR(10), UNIQUE KEY uq (id))");
        await admin.ExecuteAsync("INSERT INTO created_later VALUES (1, 'one'), (2, 'two')");
        await admin.ExecuteAsync("UPDATE created_later SET label = 'TWO' WHERE id = 2");

        await rig.CaptureAsync();
        using var writer = rig.Writer([orders, events], SchemaChangeBehavior.Evolve);
        await writer.DrainAsync();

        Assert.Empty(writer.StoppedTables);
        string[] columns = ["id", "title", "added", "qty", "flag"];
        var expected = await rig.SourceRowsAsync("orders", columns);
        Assert.Equal(5, expected.Count);
        Assert.Equal(expected, await rig.LakeRowsAsync("orders", columns));
        Assert.Equal(expected, await rig.DuckDbRowsAsync("orders", columns));

        var schema = (await rig.LakeSnapshotAsync("orders")).Schema;
        Assert.Equal(["id", "title", "qty", CdcColumns.Position, CdcColumns.Timestamp, "added", "flag"], schema.Fields.Select(f => f.Name));
        Assert.Equal(PrimitiveType.Long, schema.FindField("qty")!.Type);
        Assert.True(schema.FindField("flag")!.Nullable);

        Assert.Equal(["2|after", "3|after"], await rig.LakeRowsAsync("events", "id", "what"));
        Assert.Equal(await rig.SourceRowsAsync("events", "id", "what"), await rig.DuckDbRowsAsync("events", "id", "what"));

        Assert.Contains(rig.Db.Name + ".created_later", writer.Tables);
        Assert.Equal(await rig.SourceRowsAsync("created_later", "id", "label"), await rig.LakeRowsAsync("created_later", "id", "label"));
        Assert.True(SnapshotCompletion.IsComplete(await rig.LakeSnapshotAsync("created_later")));
    }

    [Fact]
    public async Task TablesDroppedRenamedAndCreatedAgainAndKeysChangedAreFollowedInOrder()
    {
        await using var rig = await DdlStreamRig.CreateAsync("cdc_it_ddl_tables");
        var admin = rig.Db.Admin;
        await admin.ExecuteAsync("CREATE TABLE gone (id INT PRIMARY KEY, v INT)");
        await admin.ExecuteAsync("CREATE TABLE moved (id INT PRIMARY KEY, v INT)");
        await admin.ExecuteAsync("CREATE TABLE k (a INT NOT NULL, b INT NOT NULL, what VARCHAR(5), PRIMARY KEY (a))");
        WriterTable[] tables = [await rig.LakeTableAsync("gone"), await rig.LakeTableAsync("moved"), await rig.LakeTableAsync("k")];
        await rig.StartAsync();

        await admin.ExecuteAsync("INSERT INTO gone VALUES (1, 1)");
        await admin.ExecuteAsync("DROP TABLE gone");
        await admin.ExecuteAsync("CREATE TABLE gone (id INT PRIMARY KEY, label VARCHAR(5))");
        await admin.ExecuteAsync("INSERT INTO gone VALUES (7, 'new')");

        await admin.ExecuteAsync("INSERT INTO moved VALUES (1, 1)");
        await admin.ExecuteAsync("RENAME TABLE moved TO ignored_moved"); // out of the job's patterns
        await admin.ExecuteAsync("CREATE TABLE ignored_src (id INT PRIMARY KEY)");
        await admin.ExecuteAsync("INSERT INTO ignored_src VALUES (1)");
        await admin.ExecuteAsync("RENAME TABLE ignored_src TO arrived"); // into them, with a row the stream never had
        await admin.ExecuteAsync("INSERT INTO arrived VALUES (2)");

        await admin.ExecuteAsync("INSERT INTO k VALUES (1, 1, 'x')");
        await admin.ExecuteAsync("ALTER TABLE k DROP PRIMARY KEY, ADD PRIMARY KEY (a, b)");
        await admin.ExecuteAsync("INSERT INTO k VALUES (1, 2, 'y')");
        await admin.ExecuteAsync("UPDATE k SET what = 'x2' WHERE a = 1 AND b = 1");
        await admin.ExecuteAsync("CREATE TABLE IF NOT EXISTS k (z INT PRIMARY KEY)"); // logged, though it creates nothing

        await rig.CaptureAsync();
        using var writer = rig.Writer(tables, SchemaChangeBehavior.Evolve);
        await writer.DrainAsync();

        Assert.Equal([rig.Db.Name + ".gone", rig.Db.Name + ".k"], writer.Tables.Order(StringComparer.Ordinal));
        var stopped = Assert.Single(writer.StoppedTables);
        Assert.Equal(rig.Db.Name + ".arrived", stopped.Key);
        Assert.Contains("Snapshot " + rig.Db.Name + ".arrived", Assert.IsType<TableNeedsSnapshotException>(stopped.Value).Message, StringComparison.Ordinal);

        // Created again over its kept lake table: the earlier table's rows are gone, as at the source.
        Assert.Equal(["7|new"], await rig.LakeRowsAsync("gone", "id", "label"));
        Assert.Equal(await rig.SourceRowsAsync("gone", "id", "label"), await rig.DuckDbRowsAsync("gone", "id", "label"));
        Assert.Equal(["1|1"], await rig.LakeRowsAsync("moved", "id", "v")); // kept as it was when it left the job

        Assert.Equal(["1|1|x2", "1|2|y"], await rig.LakeRowsAsync("k", "a", "b", "what"));
        Assert.Equal(await rig.SourceRowsAsync("k", "a", "b", "what"), await rig.LakeRowsAsync("k", "a", "b", "what"));
    }

    public static TheoryData<SchemaChangeBehavior, string[], string[], Type?> Behaviours => new()
    {
        // DROP a and RENAME c metadata-only; the type change INT -> VARCHAR cannot widen: stopped there.
        { SchemaChangeBehavior.Evolve, ["id", "b", "c2"], ["1|10|100", "2|20|200", "3|30|300"], typeof(TypeChangeNotWidenableException) },

        // The dropped column stays (null from then on), the renamed one is added beside the old; the type change stops it too.
        { SchemaChangeBehavior.Lenient, ["id", "a", "b", "c", "c2"], ["1|x|10|100|null", "2|null|20|200|null", "3|null|30|null|300"], typeof(TypeChangeNotWidenableException) },

        // Nothing changes in the lake; the rows that fit go on, the first that does not ('forty' in an INT column) stops the table.
        { SchemaChangeBehavior.Ignore, ["id", "a", "b", "c"], ["1|x|10|100", "2|null|20|200", "3|null|30|null"], typeof(InvalidDataException) },

        // The first DDL stops the table after the rows before it.
        { SchemaChangeBehavior.Fail, ["id", "a", "b", "c"], ["1|x|10|100"], typeof(SchemaChangeRejectedException) },
    };

    [Theory]
    [MemberData(nameof(Behaviours))]
    public async Task EachBehaviourAppliesTheSameDdlItsOwnWay(SchemaChangeBehavior behavior, string[] lakeColumns, string[] lakeRows, Type? stoppedBy)
    {
        await using var rig = await DdlStreamRig.CreateAsync("cdc_it_ddl_" + behavior.ToString().ToLowerInvariant());
        var admin = rig.Db.Admin;
        await admin.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(10), b INT, c INT)");
        var table = await rig.LakeTableAsync("t");
        await rig.StartAsync();
        await admin.ExecuteAsync("INSERT INTO t VALUES (1, 'x', 10, 100)");
        await admin.ExecuteAsync("ALTER TABLE t DROP COLUMN a");
        await admin.ExecuteAsync("INSERT INTO t VALUES (2, 20, 200)");
        await admin.ExecuteAsync("ALTER TABLE t RENAME COLUMN c TO c2");
        await admin.ExecuteAsync("INSERT INTO t VALUES (3, 30, 300)");
        await admin.ExecuteAsync("ALTER TABLE t MODIFY b VARCHAR(10)");
        await admin.ExecuteAsync("INSERT INTO t VALUES (4, 'forty', 400)");

        await rig.CaptureAsync();
        using var writer = rig.Writer([table], behavior);
        await writer.DrainAsync();

        var lake = await rig.LakeSnapshotAsync("t");
        Assert.Equal(lakeColumns.Concat([CdcColumns.Position, CdcColumns.Timestamp]).Order(StringComparer.Ordinal), lake.Schema.Fields.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.Equal(lakeRows, await rig.LakeRowsAsync("t", lakeColumns));
        Assert.Equal(lakeRows, await rig.DuckDbRowsAsync("t", lakeColumns));
        var stopped = Assert.Single(writer.StoppedTables);
        Assert.IsType(stoppedBy!, stopped.Value);
        Assert.Contains(behavior == SchemaChangeBehavior.Ignore ? "schema-change handler" : "snapshot", stopped.Value.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AColumnAddedWhileTheTableIsSnapshottedReachesTheLakeWithTheHeldStretch()
    {
        await using var rig = await DdlStreamRig.CreateAsync("cdc_it_ddl_loading");
        var admin = rig.Db.Admin;
        await admin.ExecuteAsync("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20))");
        await admin.ExecuteAsync("INSERT INTO items VALUES " + string.Join(", ", Enumerable.Range(1, 20).Select(i => $"({i}, 'item {i}')")));
        var table = await rig.LakeTableAsync("items", live: false);
        var before = table.Mapping;
        var chunks = await new ChunkPlanner().PlanAsync(admin, before.Table, 10);
        Assert.True(chunks.Count >= 2, $"{chunks.Count} chunks");
        await rig.StartAsync();

        // The first chunk is read and committed before the ALTER, with the schema the snapshot started with.
        await admin.ExecuteAsync("UPDATE items SET name = 'changed before' WHERE id = 2");
        await CommitChunkAsync(rig, chunks[0], before);
        await admin.ExecuteAsync("UPDATE items SET name = 'changed after the chunk' WHERE id = 3");
        await admin.ExecuteAsync("ALTER TABLE items ADD COLUMN price DECIMAL(6,2)");
        await admin.ExecuteAsync("UPDATE items SET price = id * 1.5 WHERE id IN (4, 15)");
        await admin.ExecuteAsync("INSERT INTO items VALUES (21, 'new', 2.10)");

        // The snapshot's migration adds the column; the later chunks are read with it.
        var lake = table.Lake;
        await lake.RefreshAsync();
        await lake.CommitAsync(lake.BeginTransaction("CHANGE COLUMN").UpdateMetadata(SchemaEvolution.AddColumn(lake.Snapshot, new StructField("price", new DecimalType(6, 2), nullable: true)).Metadata));
        var after = TypeMapper.Map(await rig.DiscoverAsync("items"));
        foreach (var chunk in chunks.Skip(1))
        {
            await CommitChunkAsync(rig, chunk, after);
        }

        await admin.ExecuteAsync("UPDATE items SET price = 9.99, name = 'last' WHERE id = 1");
        await rig.CaptureAsync();
        using var writer = rig.Writer([table], SchemaChangeBehavior.Evolve);
        await writer.DrainAsync();
        Assert.Empty(writer.StoppedTables);

        await SnapshotCompletion.MarkAsync(await DeltaTable.OpenAsync(rig.Location(rig.Db.Name, "items")));
        await writer.DrainAsync();

        Assert.Empty(writer.StoppedTables);
        string[] columns = ["id", "name", "price"];
        var expected = await rig.SourceRowsAsync("items", columns);
        Assert.Equal(21, expected.Count);
        Assert.Equal(expected, await rig.LakeRowsAsync("items", columns));
        Assert.Equal(expected, await rig.DuckDbRowsAsync("items", columns));
    }

    [Fact]
    public async Task AWriterRestartedBetweenTheDdlCommitAndTheRowsAfterItAppliesNothingTwice()
    {
        await using var rig = await DdlStreamRig.CreateAsync("cdc_it_ddl_restart");
        var admin = rig.Db.Admin;
        await admin.ExecuteAsync("CREATE TABLE r (id INT PRIMARY KEY, v INT)");
        var table = await rig.LakeTableAsync("r");
        await rig.StartAsync();
        await admin.ExecuteAsync("INSERT INTO r VALUES (1, 1), (2, 2)");
        await admin.ExecuteAsync("ALTER TABLE r ADD COLUMN w VARCHAR(5) FIRST");
        await admin.ExecuteAsync("TRUNCATE r");
        await admin.ExecuteAsync("INSERT INTO r VALUES ('x', 3, 3)");
        await rig.CaptureAsync();

        // The first writer stops (a host shutting down) right after the TRUNCATE's commit, before the row after it.
        var evolver = rig.Evolver(SchemaChangeBehavior.Evolve);
        using (var first = new PartitionWriter(rig.Capture.Log, 0, [table], new StopAfter(evolver, ddls: 2)))
        {
            await Assert.ThrowsAsync<OperationCanceledException>(() => first.DrainAsync());
        }

        var versionAfterCrash = (await rig.LakeSnapshotAsync("r")).Version;
        Assert.Empty(await rig.LakeRowsAsync("r", "id"));

        // The restart is given the table as discovery saw it before the DDL; the lake's recorded schema wins.
        using var restarted = new PartitionWriter(rig.Capture.Log, 0, [table with { Lake = await DeltaTable.OpenAsync(rig.Location(rig.Db.Name, "r")) }], evolver);
        await restarted.DrainAsync();

        Assert.Empty(restarted.StoppedTables);
        Assert.Equal(["x|3|3"], await rig.LakeRowsAsync("r", "w", "id", "v"));
        Assert.Equal(versionAfterCrash + 1, (await rig.LakeSnapshotAsync("r")).Version); // only the row's commit: neither DDL again
    }

    [Fact]
    public async Task RowsCapturePublishesAgainBehindAnAppliedDdlAreSkippedNotMappedByTheNewSchema()
    {
        await using var rig = await DdlStreamRig.CreateAsync("cdc_it_ddl_republish");
        var admin = rig.Db.Admin;
        await admin.ExecuteAsync("CREATE TABLE q (id INT PRIMARY KEY, a INT, at DATETIME)");
        var table = await rig.LakeTableAsync("q");
        await rig.StartAsync();
        await admin.ExecuteAsync("INSERT INTO q VALUES (1, 10, '2024-01-01 00:00:00'), (2, 20, '2024-01-02 00:00:00')");
        await admin.ExecuteAsync("ALTER TABLE q ADD COLUMN extra INT NULL AFTER a");
        await admin.ExecuteAsync("UPDATE q SET extra = 7, a = a + 1 WHERE id = 1");
        await rig.CaptureAsync();

        // A capture that crashed before its checkpoint publishes the same stretch again, after the DDL and the rows that
        // followed it: the log now holds rows of the old schema behind the DDL.
        var first = rig.Capture.Log.OpenReader(0, 0).TryRead(1000);
        await using (var publisher = rig.Capture.Log.OpenPublisher())
        {
            var batch = publisher.CreateBatch(ChangeBatchOptions.ForPartition(0));
            foreach (var received in first)
            {
                Assert.True(batch.TryAdd(received.Change));
            }

            await publisher.PublishAsync(batch);
        }

        using var writer = rig.Writer([table], SchemaChangeBehavior.Evolve);
        await writer.DrainAsync();

        Assert.Empty(writer.StoppedTables);
        Assert.Equal(["1|11|7", "2|20|null"], await rig.LakeRowsAsync("q", "id", "a", "extra"));
        Assert.Equal(await rig.SourceRowsAsync("q", "id", "a", "extra"), await rig.LakeRowsAsync("q", "id", "a", "extra"));
    }

    [Fact]
    public async Task ADdlAnotherWriterAppliedFirstOnlyMovesTheMappingOnAndTheSameDdlAgainIsANoOp()
    {
        using var lake = new WriterLake("ddl-applied-first");
        var first = await lake.CreateTableAsync(WriterLake.OrdersTable("orders")) with { WriterAppId = WriterOptions.AppIdFor(0) };
        var second = first with { Lake = await lake.OpenAsync("orders"), WriterAppId = WriterOptions.AppIdFor(1) };
        var evolver = new SchemaChangeEvolver(new SchemaChangeOptions { LakeLocation = (_, table) => lake.Location(table) });
        var ddl = WriterLake.Ddl("orders", 500, "ALTER TABLE orders ADD COLUMN note TEXT AFTER name, MODIFY amount DECIMAL(12,2)");

        var applied = (await evolver.HandleAsync(ddl, first, CancellationToken.None))!;
        var snapshot = (await lake.OpenAsync("orders")).Snapshot;
        var followed = (await evolver.HandleAsync(ddl, second, CancellationToken.None))!;
        var again = await evolver.HandleAsync(ddl, applied, CancellationToken.None);

        Assert.Equal(snapshot.Version, (await lake.OpenAsync("orders")).Snapshot.Version);
        Assert.Equal(["id", "name", "note", "amount"], followed.Mapping.Table.Columns.Select(c => c.Name));
        Assert.Equal([1, 2, 3, 4], followed.Mapping.Table.Columns.Select(c => c.Ordinal));
        Assert.Equal(LakeSourceSchema.Write(applied.Mapping.Table), LakeSourceSchema.Write(followed.Mapping.Table));
        Assert.Same(applied, again);
        Assert.Equal(new DecimalType(12, 2), snapshot.Schema.FindField("amount")!.Type);

        // After a restart only the writer that applied the DDL maps the table by the schema recorded with it.
        Assert.NotNull(LakeSourceSchema.ReadFor(snapshot, WriterOptions.AppIdFor(0)));
        Assert.Null(LakeSourceSchema.ReadFor(snapshot, WriterOptions.AppIdFor(1)));
    }

    [Fact]
    public async Task ParsedColumnsMapEqualToDiscoveredColumnsOfTheSameDdl()
    {
        await using var db = await SourceDatabase.CreateAsync("cdc_it_ddl_types");
        const string Ddl = """
            CREATE TABLE every_type (
              id INT UNSIGNED NOT NULL PRIMARY KEY, t TINYINT, tu TINYINT UNSIGNED, b BOOL, s SMALLINT, su SMALLINT UNSIGNED, m MEDIUMINT,
              i INTEGER, bi BIGINT, bu BIGINT UNSIGNED, sr SERIAL, d DECIMAL(10,2), dn NUMERIC(5), dw DECIMAL(40,5), f FLOAT, fp FLOAT(30), db DOUBLE,
              r REAL, dp DOUBLE PRECISION, dt DATE, tm TIME(3), dtt DATETIME(6) NOT NULL, ts TIMESTAMP NULL, y YEAR, c CHAR(3), vc VARCHAR(20) CHARACTER SET latin1,
              nv NATIONAL VARCHAR(10), tx TEXT, lt LONGTEXT, e ENUM('a','b''c'), st SET('x','y'), j JSON, bn BINARY(4), vb VARBINARY(9), bl BLOB, lvb LONG VARBINARY,
              bt BIT(1), b5 BIT(5), g GEOMETRY, p POINT, i4 INET4, i6 INET6, u UUID
            )
            """;
        await db.Admin.ExecuteAsync(Ddl);
        var discovered = Assert.Single(await SchemaDiscovery.DiscoverAsync(db.Admin, new TableSelection { Include = [TablePattern.TryParse(db.Name + ".every_type", out _)!] }));
        var parsed = Assert.IsType<CreateTableDdl>(DdlParser.Parse(Ddl));

        Assert.Equal(discovered.Columns.Select(c => c.Name), parsed.Columns.Select(c => c.Name));
        foreach (var options in new[] { new TypeMappingOptions(), new TypeMappingOptions { Time = TimeMapping.Microseconds, MultiBit = BitMapping.Binary, ZeroDateValue = new DateOnly(1970, 1, 1) } })
        {
            for (var i = 0; i < discovered.Columns.Count; i++)
            {
                var fromSchema = TypeMapper.TryMap(discovered.Columns[i], options)!;
                var fromDdl = TypeMapper.TryMap(parsed.Columns[i].ToSourceColumn(i + 1), options)!;
                Assert.True(fromSchema is not null && fromDdl is not null, discovered.Columns[i].Name);
                Assert.Equal(
                    (fromSchema.DeltaType, fromSchema.Nullable, fromSchema.Parquet, fromSchema.Conversion),
                    (fromDdl.DeltaType, fromDdl.Nullable, fromDdl.Parquet, fromDdl.Conversion));

                // What the stream's value conversion reads of the column: labels, fixed lengths, fraction digits, bit counts.
                var (s, p) = (discovered.Columns[i], parsed.Columns[i].ToSourceColumn(i + 1));
                if (s.DataType is "enum" or "set" or "binary")
                {
                    Assert.Equal(s.ColumnType, p.ColumnType);
                }

                Assert.Equal((s.Name, s.IsUnsigned, s.IsNullable), (p.Name, p.IsUnsigned, p.IsNullable));
                if (s.DataType is "time" or "datetime" or "timestamp")
                {
                    Assert.Equal(s.DatetimePrecision, p.DatetimePrecision);
                }

                if (s.DataType is "decimal")
                {
                    Assert.Equal((s.NumericPrecision, s.NumericScale), (p.NumericPrecision, p.NumericScale));
                }

                if (s.DataType is "bit")
                {
                    Assert.Equal(s.NumericPrecision, p.NumericPrecision);
                }
            }
        }
    }

    internal static async Task CommitChunkAsync(DdlStreamRig rig, SnapshotChunk chunk, TableMapping mapping)
    {
        var table = await DeltaTable.OpenAsync(rig.Location(rig.Db.Name, chunk.Table));
        var folder = rig.Db.Name + "_" + chunk.Table + "/";
        var read = await new ChunkReader(SourceDatabase.AdminOptions(), rig.Store).ReadAsync(chunk, mapping.ForLakeTable(table.Snapshot.Schema.Fields, columnMapping: true), folder);
        var tx = table.BeginTransaction("WRITE");
        foreach (var file in read.Files)
        {
            tx.Add(new AddFile(DeltaPath.Encode(file.Path[folder.Length..]), new Dictionary<string, string?>(), file.SizeBytes, 0, DataChange: true, Stats: file.DeltaStats));
        }

        await table.CommitAsync(tx);
    }

    /// <summary>Hands DDL to the evolver and stops the writer (as a cancelled host would) right after the given number of them.</summary>
    private sealed class StopAfter(ISchemaChangeHandler inner, int ddls) : ISchemaChangeHandler
    {
        private int seen;

        public async ValueTask<WriterTable?> HandleAsync(ChangeEvent ddl, WriterTable? table, CancellationToken cancellationToken)
        {
            var result = await inner.HandleAsync(ddl, table, cancellationToken);
            return ++seen == ddls ? throw new OperationCanceledException("the host is stopping") : result;
        }
    }
}
