using Serverless.Delta.Actions;
using Serverless.Delta.Log;
using Serverless.Delta.Schema;
using Serverless.Delta.Transactions;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Delta.Tests;

public sealed class CommitPipelineTests
{
    internal static TableDefinition KeyValueTable(TableProtocolMode mode = TableProtocolMode.Default) =>
        new([new StructField("id", PrimitiveType.Long, false), new StructField("value", PrimitiveType.String)]) { Mode = mode };

    internal static AddFile DataFile(string name, long rows = 10) =>
        new(name, new Dictionary<string, string?>(), 100, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), true, $"{{\"numRecords\":{rows}}}");

    private static TableLocation Local(TempDirectory dir) => new(new LocalFolderObjectStore(dir.Path));

    [Fact]
    public async Task NewTableHasReader3Writer7WithDeletionVectorsAndColumnMappingByName()
    {
        using var dir = new TempDirectory();
        var table = await DeltaTable.CreateAsync(Local(dir), KeyValueTable());
        var s = table.Snapshot;
        Assert.Equal(0, s.Version);
        Assert.Equal(new ProtocolAction(3, 7, ["deletionVectors", "columnMapping"], ["deletionVectors", "columnMapping"]), s.Protocol);
        Assert.Equal(ColumnMappingMode.Name, s.ColumnMapping);
        Assert.Equal("2", s.Metadata.Configuration["delta.columnMapping.maxColumnId"]);
        Assert.All(s.Schema.Fields, f => Assert.StartsWith("col-", f.PhysicalName, StringComparison.Ordinal));
        Assert.Equal([1L, 2L], s.Schema.Fields.Select(f => f.ColumnMappingId!.Value));
    }

    [Fact]
    public async Task TimestampNtzColumnAddsTheTimestampNtzFeatureEvenInCopyOnWriteMode()
    {
        using var dir = new TempDirectory();
        var def = new TableDefinition([new StructField("t", PrimitiveType.TimestampNtz)]) { Mode = TableProtocolMode.CopyOnWrite };
        var table = await DeltaTable.CreateAsync(Local(dir), def);
        Assert.Equal(new ProtocolAction(3, 7, ["timestampNtz"], ["timestampNtz"]), table.Snapshot.Protocol);
        using var dir2 = new TempDirectory();
        var plain = await DeltaTable.CreateAsync(Local(dir2), KeyValueTable(TableProtocolMode.CopyOnWrite));
        Assert.Equal(new ProtocolAction(1, 2), plain.Snapshot.Protocol);
        Assert.Equal(ColumnMappingMode.None, plain.Snapshot.ColumnMapping);
    }

    [Fact]
    public async Task CreatingATableTwiceFailsClearly()
    {
        using var dir = new TempDirectory();
        await DeltaTable.CreateAsync(Local(dir), KeyValueTable());
        await Assert.ThrowsAsync<TableAlreadyExistsException>(() => DeltaTable.CreateAsync(Local(dir), KeyValueTable()));
    }

    [Fact]
    public async Task CommitInfoCarriesOperationAndMetrics()
    {
        using var dir = new TempDirectory();
        var table = await DeltaTable.CreateAsync(Local(dir), KeyValueTable());
        var result = await table.CommitAsync(table.BeginTransaction().WithOperation("WRITE", new Dictionary<string, string> { ["mode"] = "Append" }).Add(DataFile("a.parquet", 7)).Add(DataFile("b.parquet", 5)));
        Assert.Equal(CommitOutcome.Committed, result.Outcome);
        Assert.Equal(1, result.Version);
        Assert.Contains("writeCommit", result.StageTimings.Keys);
        var info = (await table.Log.ReadCommitAsync(1)).OfType<CommitInfoAction>().Single();
        Assert.Equal("WRITE", info.Operation);
        Assert.Equal("2", info.OperationMetrics!["numAddedFiles"]);
        Assert.Equal("12", info.OperationMetrics["numOutputRows"]);
        Assert.Equal("0", info.OperationMetrics["commitRetries"]);
        Assert.True(info.IsBlindAppend);
        Assert.Equal(0, info.ReadVersion);
    }

    [Fact]
    public async Task DeletionVectorUpdateRemovesTheOldAddAndAddsTheSamePathWithTheNewVector()
    {
        using var dir = new TempDirectory();
        var table = await DeltaTable.CreateAsync(Local(dir), KeyValueTable());
        await table.CommitAsync(table.BeginTransaction().Add(DataFile("a.parquet")));
        var file = table.Snapshot.Files.Single();
        var dv = DeletionVectors.DeletionVectorStore.Inline(DeletionVectors.RoaringBitmapArray.Of([1, 2]));
        await table.CommitAsync(table.BeginTransaction("DELETE").UpdateDeletionVector(file, dv));
        var reopened = await DeltaTable.OpenAsync(Local(dir));
        var live = Assert.Single(reopened.Snapshot.Files);
        Assert.Equal(dv, live.DeletionVector);
        Assert.Contains("\"tightBounds\":false", live.Stats, StringComparison.Ordinal);
        var info = (await table.Log.ReadCommitAsync(2)).OfType<CommitInfoAction>().Single();
        Assert.Equal("2", info.OperationMetrics!["numDeletedRows"]);
        Assert.Equal("0", info.OperationMetrics["numRemovedFiles"]);
    }

    [Fact]
    public async Task DeletionVectorsAreRefusedOnACopyOnWriteTable()
    {
        using var dir = new TempDirectory();
        var table = await DeltaTable.CreateAsync(Local(dir), KeyValueTable(TableProtocolMode.CopyOnWrite));
        await table.CommitAsync(table.BeginTransaction().Add(DataFile("a.parquet")));
        var dv = DeletionVectors.DeletionVectorStore.Inline(DeletionVectors.RoaringBitmapArray.Of([1]));
        var e = await Assert.ThrowsAsync<DeltaException>(() => table.CommitAsync(table.BeginTransaction().UpdateDeletionVector(table.Snapshot.Files.Single(), dv)));
        Assert.Contains("deletionVectors", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletionVectorOnAFileWithoutNumRecordsIsRefused()
    {
        using var dir = new TempDirectory();
        var table = await DeltaTable.CreateAsync(Local(dir), KeyValueTable());
        await table.CommitAsync(table.BeginTransaction().Add(DataFile("a.parquet") with { Stats = null }));
        var dv = DeletionVectors.DeletionVectorStore.Inline(DeletionVectors.RoaringBitmapArray.Of([1]));
        var e = Assert.Throws<DeltaException>(() => table.BeginTransaction().UpdateDeletionVector(table.Snapshot.Files.Single(), dv));
        Assert.Contains("numRecords", e.Message, StringComparison.Ordinal);
        await table.CommitAsync(table.BeginTransaction().Add(DataFile("b.parquet", rows: 2)));
        var tooMany = DeletionVectors.DeletionVectorStore.Inline(DeletionVectors.RoaringBitmapArray.Of([0, 1, 2]));
        Assert.Throws<ArgumentException>(() => table.BeginTransaction().UpdateDeletionVector(table.Snapshot.Files.Single(f => f.Path == "b.parquet"), tooMany));
    }

    [Fact]
    public async Task AppendOnlyTableRefusesRemoves()
    {
        using var dir = new TempDirectory();
        var def = KeyValueTable() with { Configuration = new Dictionary<string, string> { ["delta.appendOnly"] = "true" } };
        var table = await DeltaTable.CreateAsync(Local(dir), def);
        await table.CommitAsync(table.BeginTransaction().Add(DataFile("a.parquet")));
        var e = await Assert.ThrowsAsync<DeltaException>(() => table.CommitAsync(table.BeginTransaction("DELETE").Remove(table.Snapshot.Files.Single())));
        Assert.Contains("append-only", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplayingACommittedAppTransactionIsANoOp()
    {
        using var dir = new TempDirectory();
        var table = await DeltaTable.CreateAsync(Local(dir), KeyValueTable());
        var first = await table.CommitAsync(table.BeginTransaction().SetAppTransaction("partition-3", 41).Add(DataFile("a.parquet")));
        Assert.Equal(CommitOutcome.Committed, first.Outcome);
        var replay = await table.CommitAsync(table.BeginTransaction().SetAppTransaction("partition-3", 41).Add(DataFile("a-again.parquet")));
        Assert.Equal(CommitOutcome.AlreadyCommitted, replay.Outcome);
        Assert.Equal(1, replay.Version);
        var reopened = await DeltaTable.OpenAsync(Local(dir));
        Assert.Equal(1, reopened.Snapshot.Version);
        Assert.Equal(41, reopened.Snapshot.GetAppTransactionVersion("partition-3"));
    }

    [Fact]
    public async Task StaleWriterReplayingACommittedBatchIsANoOpAfterLosingTheRace()
    {
        using var dir = new TempDirectory();
        var a = await DeltaTable.CreateAsync(Local(dir), KeyValueTable());
        var b = await DeltaTable.OpenAsync(Local(dir));
        await a.CommitAsync(a.BeginTransaction().SetAppTransaction("p0", 1).Add(DataFile("a.parquet")));
        var result = await b.CommitAsync(b.BeginTransaction().SetAppTransaction("p0", 1).Add(DataFile("b.parquet")));
        Assert.Equal(CommitOutcome.AlreadyCommitted, result.Outcome);
        Assert.Single((await DeltaTable.OpenAsync(Local(dir))).Snapshot.Files);
    }

    [Fact]
    public async Task ConcurrentRemoveOfTheSameFileIsAConcurrentDeleteDeleteConflict()
    {
        using var dir = new TempDirectory();
        var a = await DeltaTable.CreateAsync(Local(dir), KeyValueTable());
        await a.CommitAsync(a.BeginTransaction().Add(DataFile("x.parquet")));
        var b = await DeltaTable.OpenAsync(Local(dir));
        var file = a.Snapshot.Files.Single();
        await a.CommitAsync(a.BeginTransaction("DELETE").Remove(file));
        var e = await Assert.ThrowsAsync<CommitConflictException>(() => b.CommitAsync(b.BeginTransaction("DELETE").Remove(file)));
        Assert.Equal(ConflictKind.ConcurrentDeleteDelete, e.Kind);
        Assert.Equal(2, e.WinningVersion);
        Assert.Contains("redo callback", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentMetadataChangeConflicts()
    {
        using var dir = new TempDirectory();
        var a = await DeltaTable.CreateAsync(Local(dir), KeyValueTable());
        var b = await DeltaTable.OpenAsync(Local(dir));
        await a.CommitAsync(a.BeginTransaction("SET TBLPROPERTIES").UpdateMetadata(a.Snapshot.Metadata with { Configuration = new Dictionary<string, string>(a.Snapshot.Metadata.Configuration) { ["x"] = "1" } }));
        var e = await Assert.ThrowsAsync<CommitConflictException>(() => b.CommitAsync(b.BeginTransaction().ReadWhere(_ => true).Add(DataFile("y.parquet"))));
        Assert.Equal(ConflictKind.MetadataChanged, e.Kind);
    }

    [Fact]
    public async Task SameAppIdFromTwoWritersIsAConcurrentTransactionConflict()
    {
        using var dir = new TempDirectory();
        var a = await DeltaTable.CreateAsync(Local(dir), KeyValueTable());
        var b = await DeltaTable.OpenAsync(Local(dir));
        await a.CommitAsync(a.BeginTransaction().SetAppTransaction("stream", 5).Add(DataFile("a.parquet")));
        var e = await Assert.ThrowsAsync<CommitConflictException>(() => b.CommitAsync(b.BeginTransaction().SetAppTransaction("stream", 6).Add(DataFile("b.parquet"))));
        Assert.Equal(ConflictKind.ConcurrentTransaction, e.Kind);
    }

    [Fact]
    public async Task ConflictingMergeIsRedoneOnTheNewSnapshot()
    {
        using var dir = new TempDirectory();
        var a = await DeltaTable.CreateAsync(Local(dir), KeyValueTable());
        await a.CommitAsync(a.BeginTransaction().Add(DataFile("x.parquet")));
        var b = await DeltaTable.OpenAsync(Local(dir));

        // a rewrites x into x2 while b wants to put a DV on x: b's redo retargets the DV at whatever holds the rows now.
        var x = a.Snapshot.Files.Single();
        await a.CommitAsync(a.BeginTransaction("OPTIMIZE").Remove(x).Add(DataFile("x2.parquet")));
        var dv = DeletionVectors.DeletionVectorStore.Inline(DeletionVectors.RoaringBitmapArray.Of([3]));
        var redos = 0;
        var tx = b.BeginTransaction("MERGE").UpdateDeletionVector(b.Snapshot.Files.Single(), dv).OnConflictRedo((t, snapshot, _) =>
        {
            redos++;
            t.UpdateDeletionVector(snapshot.Files.Single(), dv);
            return Task.CompletedTask;
        });
        var result = await b.CommitAsync(tx);
        Assert.Equal(1, redos);
        Assert.Equal(3, result.Version);
        Assert.Equal(1, result.Retries);
        var live = (await DeltaTable.OpenAsync(Local(dir))).Snapshot.Files.Single();
        Assert.Equal("x2.parquet", live.Path);
        Assert.Equal(dv, live.DeletionVector);
    }

    [Fact]
    public async Task UnknownWriterFeatureRefusesWritesButNotReads()
    {
        using var dir = new TempDirectory();
        var table = await DeltaTable.CreateAsync(Local(dir), KeyValueTable());
        var p = table.Snapshot.Protocol;
        var upgrade = table.BeginTransaction("UPGRADE").UpdateProtocol(p with { WriterFeatures = [.. p.WriterFeatures!, "icebergCompatV9"] });
        var refused = await Assert.ThrowsAsync<UnsupportedTableFeatureException>(() => table.CommitAsync(upgrade));
        Assert.Equal("icebergCompatV9", refused.Feature);

        // Another engine upgrades the table.
        await table.Location.Store.PutIfAbsentAsync(table.Location.CommitPath(1), ActionJson.WriteCommit([p with { WriterFeatures = [.. p.WriterFeatures!, "icebergCompatV9"] }]));
        var reopened = await DeltaTable.OpenAsync(Local(dir));
        var e = await Assert.ThrowsAsync<UnsupportedTableFeatureException>(() => reopened.CommitAsync(reopened.BeginTransaction().Add(DataFile("a.parquet"))));
        Assert.Equal("icebergCompatV9", e.Feature);
        Assert.False(e.IsReaderFeature);
    }

    [Fact]
    public async Task EightConcurrentWritersEachLandFiftyCommitsExactlyOnceWithContiguousVersions()
    {
        using var dir = new TempDirectory();
        await DeltaTable.CreateAsync(Local(dir), KeyValueTable(), options: new CommitOptions { CheckpointInterval = 0 });
        const int writers = 8;
        const int commits = 50;
        var results = new List<CommitResult>[writers];
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var table = await DeltaTable.OpenAsync(Local(dir), options: new CommitOptions { CheckpointInterval = 0, MaxAttempts = 1000 });
            results[w] = [];
            for (var i = 1; i <= commits; i++)
            {
                results[w].Add(await table.CommitAsync(table.BeginTransaction().SetAppTransaction($"writer-{w}", i).Add(DataFile($"w{w}-{i}.parquet"))));
            }
        })));

        Assert.All(results.SelectMany(r => r), r => Assert.Equal(CommitOutcome.Committed, r.Outcome));
        var versions = results.SelectMany(r => r).Select(r => r.Version).Order().ToList();
        Assert.Equal(Enumerable.Range(1, writers * commits).Select(v => (long)v), versions);
        var snapshot = await new DeltaLog(Local(dir)).LoadAsync();
        Assert.Equal(writers * commits, snapshot.Version);
        Assert.Equal(writers * commits, snapshot.Files.Count);
        for (var w = 0; w < writers; w++)
        {
            Assert.Equal(commits, snapshot.GetAppTransactionVersion($"writer-{w}"));
        }

        var seen = new HashSet<(string, long)>();
        for (var v = 1; v <= writers * commits; v++)
        {
            var txn = (await snapshot.Table.Store.GetAsync(snapshot.Table.CommitPath(v))).Length > 0
                ? (await new DeltaLog(Local(dir)).ReadCommitAsync(v)).OfType<TransactionAction>().Single()
                : null;
            Assert.True(seen.Add((txn!.AppId, txn.Version)), $"({txn.AppId}, {txn.Version}) committed twice");
        }
    }

    [Fact]
    public async Task ConcurrentDeletionVectorUpdatesOfOneFileAreRedoneAndNoDeleteIsLost()
    {
        using var dir = new TempDirectory();
        var location = Local(dir);
        var table = await DeltaTable.CreateAsync(location, KeyValueTable(), options: new CommitOptions { CheckpointInterval = 0 });
        var add = await new DataFiles.DataFileWriter(table.Snapshot).WriteAsync(Enumerable.Range(0, 100).Select(i => new object?[] { (long)i, "v" }));
        await table.CommitAsync(table.BeginTransaction().Add(add));
        const int writers = 4;
        const int deletesEach = 8;
        var redos = 0;

        // Every writer opens the table before anyone deletes, so all but the first committer start from a stale snapshot.
        var tables = new DeltaTable[writers];
        for (var w = 0; w < writers; w++)
        {
            tables[w] = await DeltaTable.OpenAsync(location, options: new CommitOptions { CheckpointInterval = 0, MaxAttempts = 200 });
        }

        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var mine = tables[w];
            for (var k = 0; k < deletesEach; k++)
            {
                var row = (w * deletesEach) + k;
                async Task StageAsync(DeltaTransaction tx, Log.Snapshot snapshot, CancellationToken ct)
                {
                    var file = snapshot.Files.Single();
                    var (combined, _) = await DeletionVectors.DeletionVectorStore.CombineAsync(location, file, DeletionVectors.RoaringBitmapArray.Of([row]), ct);
                    tx.UpdateDeletionVector(file, DeletionVectors.DeletionVectorStore.Inline(combined));
                }

                // No refresh: a stale snapshot guarantees lost races once the others have committed.
                var tx = mine.BeginTransaction("DELETE").OnConflictRedo(async (t, s, ct) =>
                {
                    Interlocked.Increment(ref redos);
                    await StageAsync(t, s, ct);
                });
                await StageAsync(tx, mine.Snapshot, CancellationToken.None);
                await mine.CommitAsync(tx);
            }
        })));

        var snapshot = await new DeltaLog(location).LoadAsync();
        Assert.Equal(1 + (writers * deletesEach), snapshot.Version);
        var deleted = await DeletionVectors.DeletionVectorStore.ReadAsync(location, snapshot.Files.Single().DeletionVector!);
        Assert.Equal(Enumerable.Range(0, writers * deletesEach).Select(i => (long)i), deleted.Values());
        var live = new List<long>();
        await foreach (var r in new Scanning.DeltaScan(snapshot).Select("id").ReadRowsAsync())
        {
            live.Add((long)r[0]!);
        }

        Assert.Equal(Enumerable.Range(writers * deletesEach, 100 - (writers * deletesEach)).Select(i => (long)i), live.Order());
        Assert.True(redos > 0, "the writers never raced; the test did not exercise the redo path");
    }
}
