using System.Text.Json;
using Serverless.Cdc.Capture;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Transport;
using Serverless.Cdc.Writer;
using Serverless.Delta;
using Serverless.Delta.DeletionVectors;
using Serverless.Delta.Actions;
using Serverless.Delta.Log;
using static Serverless.Cdc.IntegrationTests.Writer.WriterLake;

namespace Serverless.Cdc.IntegrationTests.Writer;

/// <summary>Change events published into the embedded log, applied by <see cref="PartitionWriter"/> to local Delta tables.</summary>
public sealed class PartitionWriterTests
{
    private static readonly ChangeKind I = ChangeKind.Insert;
    private static readonly ChangeKind U = ChangeKind.Update;
    private static readonly ChangeKind D = ChangeKind.Delete;

    /// <summary>Inserts, updates, a delete, a delete and re-insert of one key, and a re-published stretch (older after newer).</summary>
    private static List<ChangeEvent> Workload(string table) =>
    [
        Change(I, table, 100, 1, "a", 1.10m),
        Change(I, table, 100, 2, "b", 2.20m, rowIndex: 1),
        Change(I, table, 110, 3, "c", 3.30m),
        Change(U, table, 120, 2, "b2", 2.25m),
        Change(D, table, 130, 3, "c", 3.30m),
        Change(I, table, 140, 4, "d", null),
        Change(D, table, 150, 4, "d", null),
        Change(I, table, 160, 4, "d again", 4.40m),

        // Capture re-publishes from its checkpoint after a crash: older changes follow newer ones, then the newer again.
        Change(U, table, 120, 2, "b2", 2.25m),
        Change(D, table, 130, 3, "c", 3.30m),
        Change(I, table, 140, 4, "d", null),
        Change(D, table, 150, 4, "d", null),
        Change(I, table, 160, 4, "d again", 4.40m),
        Change(U, table, 170, 1, null, 1.15m),
    ];

    private static readonly string[] WorkloadRows = [Row(1, null, 1.15m), Row(2, "b2", 2.25m), Row(4, "d again", 4.40m)];

    [Fact]
    public async Task ChangesThroughTheLogEndInTheLakeAsTheLatestVersionPerKey()
    {
        using var lake = new WriterLake("writer-basic");
        var orders = await lake.CreateTableAsync(OrdersTable("orders"));
        await lake.PublishAsync(Workload("orders"), perBatch: 5);

        using var writer = new PartitionWriter(lake.Log, 0, [orders]);
        Assert.Equal(14, await writer.DrainAsync());

        Assert.Equal(WorkloadRows, await lake.RowsAsync("orders"));
        var table = await lake.OpenAsync("orders");
        Assert.Equal(13, table.Snapshot.GetAppTransactionVersion(writer.AppId));
        Assert.Equal(14, lake.Hold("writer", 0));
        Assert.True(table.Snapshot.Protocol.HasWriterFeature(TableFeatures.DeletionVectors));
    }

    [Fact]
    public async Task ReplayedBatchIsSkippedByTxnVersion()
    {
        using var lake = new WriterLake("writer-replay");
        var first = await lake.CreateTableAsync(OrdersTable("orders"));
        await lake.PublishAsync(Workload("orders"));

        // Two writers of one partition (a zombie and its replacement) read the same batch before either commits.
        var second = first with { Lake = await lake.OpenAsync("orders") };
        using var a = new PartitionWriter(lake.Log, 0, [first]);
        using var b = new PartitionWriter(lake.Log, 0, [second]);
        await a.OpenAsync();
        await b.OpenAsync();
        await a.DrainAsync();
        var version = (await lake.OpenAsync("orders")).Snapshot.Version;

        await b.DrainAsync();

        Assert.Equal(1, b.Metrics.Read().ReplaysSkipped);
        Assert.Equal(0, a.Metrics.Read().ReplaysSkipped);
        Assert.Equal(version, (await lake.OpenAsync("orders")).Snapshot.Version);
        Assert.Equal(WorkloadRows, await lake.RowsAsync("orders"));
    }

    [Fact]
    public async Task ARestartAfterACrashBetweenLakeCommitAndHoldUpdateResumesAfterTheCommittedBatch()
    {
        using var lake = new WriterLake("writer-crash-hold");
        var orders = await lake.CreateTableAsync(OrdersTable("orders"));
        await lake.PublishAsync(Workload("orders"));
        using (var crashed = new PartitionWriter(lake.Log, 0, [orders]))
        {
            await crashed.DrainAsync();
        }

        // The hold update after the commit never happened: the log still holds everything for this consumer.
        await lake.Log.SetRetentionHoldAsync("writer", 0, 0);
        var version = (await lake.OpenAsync("orders")).Snapshot.Version;

        using var restarted = new PartitionWriter(lake.Log, 0, [orders with { Lake = await lake.OpenAsync("orders") }]);
        await restarted.OpenAsync();
        Assert.Equal(14, restarted.NextSequence);
        Assert.Equal(14, lake.Hold("writer", 0));
        Assert.Equal(0, await restarted.DrainAsync());
        Assert.Equal(version, (await lake.OpenAsync("orders")).Snapshot.Version);

        await lake.PublishAsync([Change(D, "orders", 200, 1, null, 1.15m), Change(I, "orders", 210, 5, "e", 5m)]);
        Assert.Equal(2, await restarted.DrainAsync());
        Assert.Equal([Row(2, "b2", 2.25m), Row(4, "d again", 4.40m), Row(5, "e", 5m)], await lake.RowsAsync("orders"));
        Assert.Equal(16, lake.Hold("writer", 0));
    }

    [Fact]
    public async Task ATableWaitsForItsSnapshotThenGetsItsHeldChangesWhileOthersGoOn()
    {
        using var lake = new WriterLake("writer-held");
        var live = await lake.CreateTableAsync(OrdersTable("live"));
        var loading = await lake.CreateTableAsync(OrdersTable("loading"), live: false);
        await lake.PublishAsync(
        [
            Change(I, "live", 100, 1, "x", 1m),
            Change(I, "loading", 101, 1, "held", 1m),
            Change(I, "live", 102, 2, "y", 2m),
            Change(U, "loading", 103, 1, "held2", 1.5m),
            Change(I, "loading", 104, 2, "z", 2m),
        ]);
        using var writer = new PartitionWriter(lake.Log, 0, [live, loading]);

        await writer.DrainAsync();

        Assert.Equal([Row(1, "x", 1m), Row(2, "y", 2m)], await lake.RowsAsync("live"));
        Assert.Empty(await lake.RowsAsync("loading"));
        Assert.Equal(1, lake.Hold("writer", 0)); // the loading table's first change stays in the log

        // The snapshot commits a row the stream also changes (at an older position) and completes.
        var snapshotSide = await lake.OpenAsync("loading");
        await CommitSnapshotRowAsync(snapshotSide, 1, "snapshot", 0.5m, offset: 90);
        await SnapshotCompletion.MarkAsync(snapshotSide);
        await lake.PublishAsync([Change(I, "live", 105, 3, "w", 3m)]);

        await writer.DrainAsync();

        Assert.Equal([Row(1, "held2", 1.5m), Row(2, "z", 2m)], await lake.RowsAsync("loading"));
        Assert.Equal([Row(1, "x", 1m), Row(2, "y", 2m), Row(3, "w", 3m)], await lake.RowsAsync("live"));
        Assert.Equal(6, lake.Hold("writer", 0));

        // A restarted writer finds both tables' txn versions and reads nothing again.
        var versions = (await lake.OpenAsync("live")).Snapshot.Version + (await lake.OpenAsync("loading")).Snapshot.Version;
        using var restarted = new PartitionWriter(lake.Log, 0, [live with { Lake = await lake.OpenAsync("live") }, loading with { Lake = await lake.OpenAsync("loading") }]);
        await restarted.DrainAsync();
        Assert.Equal(versions, (await lake.OpenAsync("live")).Snapshot.Version + (await lake.OpenAsync("loading")).Snapshot.Version);
        Assert.Equal(6, restarted.NextSequence);
    }

    [Fact]
    public async Task ACatchUpCutShortIsResumedFromWhereTheTableWasHeld()
    {
        using var lake = new WriterLake("writer-catchup-cut");
        var loading = await lake.CreateTableAsync(OrdersTable("loading"), live: false);
        await lake.PublishAsync(
        [
            Change(I, "loading", 100, 1, "a", 1m),
            Change(I, "loading", 101, 2, "b", 2m),
            Ddl("loading", 102, "ALTER TABLE loading COMMENT 'x'"),
            Change(I, "loading", 103, 3, "c", 3m),
        ]);
        var handler = new StopOnceThenKeep();
        using var writer = new PartitionWriter(lake.Log, 0, [loading], handler);
        await writer.DrainAsync();
        await SnapshotCompletion.MarkAsync(await lake.OpenAsync("loading"));

        // The catch-up stops at the DDL (the host is stopping): rows before it are in, the rest stays held.
        await Assert.ThrowsAsync<OperationCanceledException>(() => writer.DrainAsync());
        Assert.Equal([Row(1, "a", 1m), Row(2, "b", 2m)], await lake.RowsAsync("loading"));

        await writer.DrainAsync();

        Assert.Equal([Row(1, "a", 1m), Row(2, "b", 2m), Row(3, "c", 3m)], await lake.RowsAsync("loading"));
        Assert.Equal(2, handler.Calls);
        Assert.Equal(4, lake.Hold("writer", 0));
    }

    /// <summary>Stops the writer at the first DDL (as a cancelled host would), and accepts it the next time (evolution with nothing to change).</summary>
    private sealed class StopOnceThenKeep : ISchemaChangeHandler
    {
        public int Calls { get; private set; }

        public ValueTask<WriterTable?> HandleAsync(ChangeEvent ddl, WriterTable? table, CancellationToken cancellationToken) =>
            ++Calls == 1 ? throw new OperationCanceledException("stopping") : ValueTask.FromResult(table);
    }

    [Fact]
    public async Task ARestartResumesAtTheTableThatNeedsTheOldestSequenceAndSkipsWhatEachTableHas()
    {
        using var lake = new WriterLake("writer-resume");
        var ahead = await lake.CreateTableAsync(OrdersTable("ahead"));
        var behind = await lake.CreateTableAsync(OrdersTable("behind"), live: false);
        await lake.PublishAsync([Change(I, "behind", 100, 1, "b1", 1m), Change(I, "ahead", 101, 1, "a1", 1m), Change(U, "ahead", 102, 1, "a2", 2m)]);
        using (var first = new PartitionWriter(lake.Log, 0, [ahead, behind]))
        {
            await first.DrainAsync();
        }

        var aheadVersion = (await lake.OpenAsync("ahead")).Snapshot.Version;
        await SnapshotCompletion.MarkAsync(await lake.OpenAsync("behind"));

        using var second = new PartitionWriter(lake.Log, 0, [ahead with { Lake = await lake.OpenAsync("ahead") }, behind with { Lake = await lake.OpenAsync("behind") }]);
        await second.OpenAsync();
        Assert.Equal(0, second.NextSequence); // "behind" has no txn yet: from its first change

        Assert.Equal(3, await second.DrainAsync());
        Assert.Equal(aheadVersion, (await lake.OpenAsync("ahead")).Snapshot.Version); // its changes were skipped, not merged again
        Assert.Equal([Row(1, "a2", 2m)], await lake.RowsAsync("ahead"));
        Assert.Equal([Row(1, "b1", 1m)], await lake.RowsAsync("behind"));
    }

    [Fact]
    public async Task ADdlStopsItsTableAfterCommittingTheRowsBeforeItAndOtherTablesGoOn()
    {
        using var lake = new WriterLake("writer-ddl");
        var altered = await lake.CreateTableAsync(OrdersTable("altered"));
        var other = await lake.CreateTableAsync(OrdersTable("other"));
        await lake.PublishAsync(
        [
            Change(I, "altered", 100, 1, "before", 1m),
            Change(I, "altered", 101, 2, "before", 2m),
            Ddl("altered", 102, "ALTER TABLE altered ADD COLUMN note TEXT"),
            Change(I, "altered", 103, 3, "after", 3m),
            Change(I, "other", 104, 1, "goes on", 1m),
        ]);
        using var writer = new PartitionWriter(lake.Log, 0, [altered, other]);

        await writer.DrainAsync();

        Assert.Equal([Row(1, "before", 1m), Row(2, "before", 2m)], await lake.RowsAsync("altered"));
        Assert.Equal([Row(1, "goes on", 1m)], await lake.RowsAsync("other"));
        var error = Assert.IsType<SchemaEvolutionNotImplementedException>(Assert.Single(writer.StoppedTables).Value);
        Assert.Contains("ALTER TABLE altered ADD COLUMN note TEXT", error.Message, StringComparison.Ordinal);
        Assert.Contains("schema evolution is not implemented", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await lake.OpenAsync("altered")).Snapshot.GetAppTransactionVersion(writer.AppId));
        Assert.Equal(2, lake.Hold("writer", 0)); // the DDL and what follows stay in the log
        Assert.Equal(error.Message, Assert.Single(writer.Metrics.Read().Tables, t => t.Table == "shop.altered").StoppedBy);

        using var restarted = new PartitionWriter(lake.Log, 0, [altered with { Lake = await lake.OpenAsync("altered") }, other with { Lake = await lake.OpenAsync("other") }]);
        await restarted.DrainAsync();
        Assert.IsType<SchemaEvolutionNotImplementedException>(Assert.Single(restarted.StoppedTables).Value);
        Assert.Equal([Row(1, "before", 1m), Row(2, "before", 2m)], await lake.RowsAsync("altered"));
    }

    [Fact]
    public async Task ARowTheMappingCannotTakeStopsItsTableAfterTheRowsBeforeIt()
    {
        using var lake = new WriterLake("writer-badrow");
        var orders = await lake.CreateTableAsync(OrdersTable("orders"));
        var other = await lake.CreateTableAsync(OrdersTable("other"));
        var shortRow = Change(I, "orders", 102, 3, "short", 3m);
        await lake.PublishAsync(
        [
            Change(I, "orders", 100, 1, "a", 1m),
            new ChangeEvent { Kind = I, Database = "shop", Table = "orders", Position = shortRow.Position, Row = shortRow.Row.Take(2).ToArray() },
            Change(I, "orders", 103, 4, "after", 4m),
            Change(I, "other", 104, 1, "goes on", 1m),
        ]);
        using var writer = new PartitionWriter(lake.Log, 0, [orders, other]);

        await writer.DrainAsync();

        Assert.Equal([Row(1, "a", 1m)], await lake.RowsAsync("orders"));
        Assert.Equal([Row(1, "goes on", 1m)], await lake.RowsAsync("other"));
        var error = Assert.IsType<InvalidDataException>(Assert.Single(writer.StoppedTables).Value);
        Assert.Contains("column 'amount' is number 3", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, lake.Hold("writer", 0));
    }

    [Fact]
    public async Task TheCommitPolicyCommitsOnceTheBufferedChangesReachItsLimit()
    {
        using var lake = new WriterLake("writer-policy");
        var orders = await lake.CreateTableAsync(OrdersTable("orders"));
        await lake.PublishAsync(Enumerable.Range(1, 35).Select(i => Change(I, "orders", 100 + i, i, "n", i)), perBatch: 7);
        var options = new WriterOptions { ReadBatchSize = 7, Commit = new CommitPolicy { MaxBufferedChanges = 10, MaxBufferAge = TimeSpan.FromHours(1) } };
        using var writer = new PartitionWriter(lake.Log, 0, [orders], options: options);

        await writer.DrainAsync();

        // Reads of 7: due at 14, 28, then the rest when the log is drained.
        var metrics = writer.Metrics.Read();
        Assert.Equal(3, metrics.Commits);
        Assert.Equal(35, (await lake.RowsAsync("orders")).Count);
        Assert.Equal(35, metrics.ChangesRead);
        Assert.Equal(0, metrics.BufferedChanges);
        var table = Assert.Single(metrics.Tables);
        Assert.Equal(35, table.ChangesApplied);
        Assert.Equal(3, table.ActiveFiles);
        Assert.True(table.ChangesPerSecond > 0);
        Assert.NotNull(metrics.LagP50);
        Assert.True(metrics.LagP99 >= metrics.LagP50);
        Assert.NotNull(metrics.ParquetFlushP99);
        Assert.NotNull(metrics.ObjectCreateP99);
    }

    [Fact]
    public async Task AHotTableSpreadOverTwoPartitionsIsWrittenByBothWritersAtOnce()
    {
        using var lake = new WriterLake("writer-spread", partitions: 2);
        var hot = await lake.CreateTableAsync(OrdersTable("hot"));
        var expected = new SortedDictionary<int, string>();
        var changes = new List<ChangeEvent>();
        for (var i = 0; i < 600; i++)
        {
            var id = i % 97;
            var kind = i % 11 == 10 ? D : expected.ContainsKey(id) ? U : I;
            changes.Add(Change(kind, "hot", 1_000 + i, id, "v" + i, i));
            if (kind == D)
            {
                expected.Remove(id);
            }
            else
            {
                expected[id] = Row(id, "v" + i, i);
            }
        }

        // Each row's changes go to the partition of its slot, in order (a spread of 2 over explicit partitions).
        foreach (var partition in new[] { 0, 1 })
        {
            var mine = changes.Where(c => (int)(PartitionKeys.HashValues(c.Key) % 2) == partition).ToList();
            Assert.NotEmpty(mine);
            await lake.PublishAsync(mine, partition, perBatch: 20);
        }

        var options = new WriterOptions { ReadBatchSize = 20, Commit = new CommitPolicy { MaxBufferedChanges = 20 } };
        using var first = new PartitionWriter(lake.Log, 0, [hot], options: options);
        using var second = new PartitionWriter(lake.Log, 1, [hot with { Lake = await lake.OpenAsync("hot") }], options: options);

        await Task.WhenAll(first.DrainAsync(), second.DrainAsync());

        Assert.Equal(expected.Values.Order(StringComparer.Ordinal), await lake.RowsAsync("hot"));
        var table = await lake.OpenAsync("hot");
        Assert.Equal(first.NextSequence - 1, table.Snapshot.GetAppTransactionVersion(first.AppId));
        Assert.Equal(second.NextSequence - 1, table.Snapshot.GetAppTransactionVersion(second.AppId));
    }

    [Fact]
    public async Task ASoftDeleteKeepsTheRowMarkedDeleted()
    {
        using var lake = new WriterLake("writer-soft");
        var orders = await lake.CreateTableAsync(OrdersTable("orders"), softDelete: true);
        await lake.PublishAsync([Change(I, "orders", 100, 1, "a", 1m), Change(I, "orders", 101, 2, "b", 2m), Change(D, "orders", 102, 1, "a", 1m)]);
        using var writer = new PartitionWriter(lake.Log, 0, [orders]);

        await writer.DrainAsync();

        var table = await lake.OpenAsync("orders");
        var rows = new List<string>();
        await foreach (var row in new Delta.Scanning.DeltaScan(table.Snapshot).Select("id", CdcColumns.Deleted).ReadRowsAsync())
        {
            rows.Add($"{row[0]}|{row[1]}");
        }

        Assert.Equal(["1|True", "2|False"], rows.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AChangeOfATableTheWriterWasNotGivenIsANamedError()
    {
        using var lake = new WriterLake("writer-unknown");
        var orders = await lake.CreateTableAsync(OrdersTable("orders"));
        await lake.PublishAsync([Change(I, "stranger", 100, 1, "a", 1m)]);
        using var writer = new PartitionWriter(lake.Log, 0, [orders]);

        var error = await Assert.ThrowsAsync<UnknownTableException>(() => writer.DrainAsync());

        Assert.Contains("shop.stranger", error.Message, StringComparison.Ordinal);
        Assert.Contains("no lake table", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CopyOnWriteTableReadsTheSameInDuckDbAsInOurReader()
    {
        using var lake = new WriterLake("writer-cow");
        var orders = await lake.CreateTableAsync(OrdersTable("orders"), mode: TableProtocolMode.CopyOnWrite);
        await lake.PublishAsync(Workload("orders"), perBatch: 3);
        using var writer = new PartitionWriter(lake.Log, 0, [orders], options: new WriterOptions { ReadBatchSize = 3, Commit = new CommitPolicy { MaxBufferedChanges = 3 } });

        await writer.DrainAsync();

        var table = await lake.OpenAsync("orders");
        Assert.False(table.Snapshot.Protocol.HasWriterFeature(TableFeatures.DeletionVectors));
        Assert.All(table.Snapshot.Files, f => Assert.Null(f.DeletionVector));
        var files = string.Join(", ", table.Snapshot.Files.Select(f => DuckDb.Literal(Path.Combine(lake.LakeDirectory, "shop_orders", DeltaPath.Decode(f.Path)))));
        var duck = await DuckDb.QueryAsync($"SELECT CAST(id AS VARCHAR), name, CAST(amount AS VARCHAR) FROM read_parquet([{files}]) ORDER BY id");
        Assert.Equal(WorkloadRows, duck.Rows.Select(r => string.Join("|", r.Select(v => v.ValueKind == JsonValueKind.Null ? "null" : v.GetString()))));
        Assert.Equal(WorkloadRows, await lake.RowsAsync("orders"));
    }

    [Fact]
    public async Task MergeOnReadTableReadsTheSameInDuckDbWithItsDeletionVectorsApplied()
    {
        using var lake = new WriterLake("writer-mor");
        var orders = await lake.CreateTableAsync(OrdersTable("orders"));
        await lake.PublishAsync(Workload("orders"), perBatch: 3);
        using var writer = new PartitionWriter(lake.Log, 0, [orders], options: new WriterOptions { ReadBatchSize = 3, Commit = new CommitPolicy { MaxBufferedChanges = 3 } });

        await writer.DrainAsync();

        var table = await lake.OpenAsync("orders");
        Assert.Contains(table.Snapshot.Files, f => f.DeletionVector is not null);
        var id = table.Snapshot.Schema.FindField("id")!.PhysicalName;
        var name = table.Snapshot.Schema.FindField("name")!.PhysicalName;
        var amount = table.Snapshot.Schema.FindField("amount")!.PhysicalName;
        var selects = new List<string>();
        foreach (var file in table.Snapshot.Files)
        {
            var path = DuckDb.Literal(Path.Combine(lake.LakeDirectory, "shop_orders", DeltaPath.Decode(file.Path)));
            var deleted = file.DeletionVector is null ? string.Empty : string.Join(",", (await DeletionVectorStore.ReadAsync(table.Location, file.DeletionVector)).Values());
            selects.Add($"SELECT CAST(\"{id}\" AS VARCHAR) AS id, \"{name}\" AS name, CAST(\"{amount}\" AS VARCHAR) AS amount FROM read_parquet({path}, file_row_number = true)" +
                (deleted.Length == 0 ? string.Empty : $" WHERE file_row_number NOT IN ({deleted})"));
        }

        var duck = await DuckDb.QueryAsync(string.Join(" UNION ALL ", selects) + " ORDER BY id");
        Assert.Equal(WorkloadRows, duck.Rows.Select(r => string.Join("|", r.Select(v => v.ValueKind == JsonValueKind.Null ? "null" : v.GetString()))));
        Assert.Equal(WorkloadRows, await lake.RowsAsync("orders"));
    }

    [Fact]
    public async Task RunStreamsChangesPublishedWhileItWaitsAndCommitsWhatItBufferedWhenStopped()
    {
        using var lake = new WriterLake("writer-run");
        var orders = await lake.CreateTableAsync(OrdersTable("orders"));
        using var writer = new PartitionWriter(lake.Log, 0, [orders], options: new WriterOptions { Commit = new CommitPolicy { MaxBufferAge = TimeSpan.FromHours(1) } });
        using var stop = new CancellationTokenSource();
        var run = writer.RunAsync(stop.Token);

        await lake.PublishAsync(Workload("orders"));
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (writer.Metrics.Read().ChangesRead < 14)
        {
            await Task.Delay(20, deadline.Token);
        }

        // Nothing is due by age or size yet; stopping commits the buffer.
        await stop.CancelAsync();
        await run;

        Assert.Equal(WorkloadRows, await lake.RowsAsync("orders"));
        Assert.Equal(14, lake.Hold("writer", 0));
    }

    /// <summary>What a snapshot chunk commit does: appends a file of rows at the chunk's position, no merge.</summary>
    internal static async Task CommitSnapshotRowAsync(DeltaTable table, int id, string name, decimal amount, long offset)
    {
        var writer = new Delta.DataFiles.DataFileWriter(table.Snapshot);
        var row = new object?[] { id, name, amount, new Parquet.ParquetDecimal((Int128)new MySql.Replication.BinlogPosition("mariadb-bin.000001", offset).SortKey, 0), DateTime.UnixEpoch };
        var tx = table.BeginTransaction("WRITE").Add(await writer.WriteAsync([row]));
        await table.CommitAsync(tx);
    }
}
