using System.Text.Json;
using Serverless.Delta.Actions;
using Serverless.Delta.Checkpoints;
using Serverless.Delta.Log;
using Serverless.Delta.Maintenance;
using Serverless.Delta.Scanning;
using Serverless.Delta.Transactions;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Delta.Tests;

public sealed class CheckpointTests
{
    private static TableLocation Fixture(string name) => new(new LocalFolderObjectStore(Path.Combine(RepoPaths.DeltaFixtures, name)));

    [Fact]
    public async Task SparkCheckpointGivesTheSameSnapshotAsReplayingEveryCommit()
    {
        var fromCheckpoint = await new DeltaLog(Fixture("rs-simple_table_with_checkpoint")).LoadAsync();
        Assert.Equal(10, fromCheckpoint.Version);

        // The same state by JSON replay alone: copy the log without the checkpoint.
        using var dir = LogReplayTests.CopyFixture("rs-simple_table_with_checkpoint");
        File.Delete(Path.Combine(dir.Path, "_delta_log", "00000000000000000010.checkpoint.parquet"));
        File.Delete(Path.Combine(dir.Path, "_delta_log", "_last_checkpoint"));
        var replayed = await new DeltaLog(new TableLocation(new LocalFolderObjectStore(dir.Path))).LoadAsync();
        Assert.Equal(replayed.Files.Select(f => f.Path).Order(), fromCheckpoint.Files.Select(f => f.Path).Order());
        Assert.Equal(replayed.Metadata.SchemaString, fromCheckpoint.Metadata.SchemaString);
        Assert.Equal(replayed.Protocol, fromCheckpoint.Protocol);
        var sizes = replayed.Files.ToDictionary(f => f.Path, f => f.Size);
        Assert.All(fromCheckpoint.Files, f => Assert.Equal(sizes[f.Path], f.Size));
    }

    [Fact]
    public async Task PartitionedCheckpointKeepsPartitionValuesAndStats()
    {
        var snapshot = await new DeltaLog(Fixture("rs-checkpoint_with_partitions")).LoadAsync();
        Assert.Equal(2, snapshot.Version);
        Assert.NotEmpty(snapshot.Files);
        Assert.All(snapshot.Files, f => Assert.Equal(snapshot.Metadata.PartitionColumns.Count, f.PartitionValues.Count));
        Assert.Equal(["red", null], snapshot.Files.OrderBy(f => f.PartitionValues["color"] is null).Select(f => f.PartitionValues["color"]));

        // The fixture ships the log only: a scan must name the first missing data file rather than return nothing.
        var e = await Assert.ThrowsAsync<DeltaException>(async () =>
        {
            await foreach (var unused in new DeltaScan(snapshot).ReadRowsAsync())
            {
            }
        });
        Assert.Contains(new DeltaScan(snapshot).PlanFiles()[0].Path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TenthCommitWritesACheckpointThatReadsBackToTheSameState()
    {
        using var dir = new TempDirectory();
        var location = new TableLocation(new LocalFolderObjectStore(dir.Path));
        var table = await DeltaTable.CreateAsync(location, CommitPipelineTests.KeyValueTable());
        for (var i = 1; i <= 10; i++)
        {
            var tx = table.BeginTransaction().SetAppTransaction("app", i).Add(CommitPipelineTests.DataFile($"f{i}.parquet") with { PartitionValues = new Dictionary<string, string?>(), Tags = new Dictionary<string, string?> { ["k"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
            if (i == 5)
            {
                tx.Remove(table.Snapshot.Files.First(f => f.Path == "f1.parquet"));
            }

            if (i == 6)
            {
                tx.UpdateDeletionVector(table.Snapshot.Files.First(f => f.Path == "f2.parquet"), DeletionVectors.DeletionVectorStore.Inline(DeletionVectors.RoaringBitmapArray.Of([1, 2])));
            }

            var result = await table.CommitAsync(tx);
            Assert.Equal(i == 10, result.CheckpointWritten);
        }

        var last = await new DeltaLog(location).ReadLastCheckpointAsync();
        Assert.Equal(10, last!.Version);
        Assert.True(File.Exists(Path.Combine(dir.Path, "_delta_log", "00000000000000000010.checkpoint.parquet")));

        // Drop the JSON commits the checkpoint covers: the table must still load, from the checkpoint alone.
        for (var v = 0; v <= 10; v++)
        {
            File.Delete(Path.Combine(dir.Path, "_delta_log", $"{v:D20}.json"));
        }

        var fromCheckpoint = await new DeltaLog(location).LoadAsync();
        var expected = table.Snapshot;
        Assert.Equal(10, fromCheckpoint.Version);
        Assert.Equal(expected.Files.Select(f => ActionJson.ToJsonLine(f with { DataChange = false })).Order(), fromCheckpoint.Files.Select(f => ActionJson.ToJsonLine(f)).Order());
        Assert.Equal(expected.Protocol, fromCheckpoint.Protocol);
        Assert.Equal(expected.Metadata.SchemaString, fromCheckpoint.Metadata.SchemaString);
        Assert.Equal(expected.Metadata.Configuration.OrderBy(kv => kv.Key), fromCheckpoint.Metadata.Configuration.OrderBy(kv => kv.Key));
        Assert.Equal(10, fromCheckpoint.GetAppTransactionVersion("app"));
        Assert.Equal(2, fromCheckpoint.Tombstones.Count);
        Assert.Equal(2, fromCheckpoint.Files.Single(f => f.Path == "f2.parquet").DeletionVector!.Cardinality);
    }

    [Fact]
    public async Task DuckDbReadsOurCheckpointsNestedColumns()
    {
        using var dir = new TempDirectory();
        var location = new TableLocation(new LocalFolderObjectStore(dir.Path));
        var table = await DeltaTable.CreateAsync(location, CommitPipelineTests.KeyValueTable());
        await table.CommitAsync(table.BeginTransaction().SetAppTransaction("w", 3).Add(CommitPipelineTests.DataFile("a.parquet")).Add(CommitPipelineTests.DataFile("b.parquet") with { DeletionVector = DeletionVectors.DeletionVectorStore.Inline(DeletionVectors.RoaringBitmapArray.Of([4])) }));
        var (bytes, actions, adds) = ParquetCheckpointFormat.Build(table.Snapshot, DateTimeOffset.UtcNow);
        Assert.Equal(2, adds);
        Assert.Equal(5, actions);
        var path = Path.Combine(dir.Path, "cp.parquet");
        await File.WriteAllBytesAsync(path, bytes);
        var result = await DuckDb.QueryAsync($"SELECT add.path, add.deletionVector.cardinality, len(map_keys(add.partitionValues)), txn.appId, txn.version, protocol.readerFeatures, metaData.configuration['delta.columnMapping.mode'] FROM read_parquet({DuckDb.Literal(path)}) ORDER BY add.path NULLS LAST, txn.appId NULLS LAST");
        var rows = result.Rows;
        Assert.Equal(5, rows.Count);
        Assert.Equal("a.parquet", rows[0][0].GetString());
        Assert.Equal(JsonValueKind.Null, rows[0][1].ValueKind);
        Assert.Equal("b.parquet", rows[1][0].GetString());
        Assert.Equal("1", rows[1][1].ToString());
        Assert.Equal("0", rows[1][2].ToString());
        Assert.Equal("w", rows[2][3].GetString());
        Assert.Contains(rows, r => r[5].ValueKind == JsonValueKind.Array && r[5].EnumerateArray().Select(e => e.GetString()).SequenceEqual(["deletionVectors", "columnMapping"]));
        Assert.Contains(rows, r => r[6].ValueKind == JsonValueKind.String && r[6].GetString() == "name");
    }

    [Fact]
    public async Task LogCleanupKeepsTheTableLoadableFromItsCheckpoint()
    {
        using var dir = new TempDirectory();
        var location = new TableLocation(new LocalFolderObjectStore(dir.Path));
        var table = await DeltaTable.CreateAsync(location, CommitPipelineTests.KeyValueTable());
        for (var i = 1; i <= 12; i++)
        {
            await table.CommitAsync(table.BeginTransaction().Add(CommitPipelineTests.DataFile($"f{i}.parquet")));
        }

        var cleaned = await TableMaintenance.CleanUpLogAsync(table.Log, TimeSpan.FromDays(1), now: DateTimeOffset.UtcNow.AddDays(2));
        Assert.Equal(10, cleaned.DeletedPaths.Count);
        var reloaded = await new DeltaLog(location).LoadAsync();
        Assert.Equal(12, reloaded.Version);
        Assert.Equal(12, reloaded.Files.Count);
        await Assert.ThrowsAsync<DeltaLogException>(() => new DeltaLog(location).LoadAsync(5));
    }

    [Fact]
    public async Task MultiPartCheckpointIsReadWhenAllPartsArePresentAndSkippedWhenOneIsMissing()
    {
        using var dir = new TempDirectory();
        var location = new TableLocation(new LocalFolderObjectStore(dir.Path));
        var table = await DeltaTable.CreateAsync(location, CommitPipelineTests.KeyValueTable(), options: new CommitOptions { CheckpointInterval = 0 });
        for (var i = 1; i <= 4; i++)
        {
            await table.CommitAsync(table.BeginTransaction().Add(CommitPipelineTests.DataFile($"f{i}.parquet")));
        }

        var actions = ParquetCheckpointFormat.CheckpointActions(table.Snapshot, DateTimeOffset.UtcNow);
        var half = actions.Count / 2;
        var log = Path.Combine(dir.Path, "_delta_log");
        await File.WriteAllBytesAsync(Path.Combine(log, "00000000000000000004.checkpoint.0000000001.0000000002.parquet"), ParquetCheckpointFormat.Encode(actions.Take(half)));
        await File.WriteAllBytesAsync(Path.Combine(log, "00000000000000000004.checkpoint.0000000002.0000000002.parquet"), ParquetCheckpointFormat.Encode(actions.Skip(half)));
        for (var v = 0; v <= 3; v++)
        {
            File.Move(Path.Combine(log, $"{v:D20}.json"), Path.Combine(dir.Path, $"{v}.json.bak"));
        }

        var fromParts = await new DeltaLog(location).LoadAsync();
        Assert.Equal(4, fromParts.Version);
        Assert.Equal(4, fromParts.Files.Count);

        // Without part 2 the checkpoint is incomplete, so the commits are needed and their absence is a clear error.
        File.Delete(Path.Combine(log, "00000000000000000004.checkpoint.0000000002.0000000002.parquet"));
        var e = await Assert.ThrowsAsync<DeltaLogException>(() => new DeltaLog(location).LoadAsync());
        Assert.Contains("00000000000000000000.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedCheckpointFailsWithTheFileNamed()
    {
        var bytes = ParquetCheckpointFormat.Encode([new ProtocolAction(1, 2)]);
        var e = Assert.ThrowsAny<Exception>(() => ParquetCheckpointFormat.Parse(bytes.AsSpan(0, bytes.Length - 30).ToArray(), "_delta_log/00000000000000000010.checkpoint.parquet"));
        Assert.Contains("00000000000000000010.checkpoint.parquet", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExplicitCheckpointAndOpenOrCreate()
    {
        using var dir = new TempDirectory();
        var location = new TableLocation(new LocalFolderObjectStore(dir.Path));
        var created = await DeltaTable.OpenOrCreateAsync(location, CommitPipelineTests.KeyValueTable());
        await created.CommitAsync(created.BeginTransaction().Add(CommitPipelineTests.DataFile("a.parquet")));
        var opened = await DeltaTable.OpenOrCreateAsync(location, CommitPipelineTests.KeyValueTable());
        Assert.Equal(1, opened.Snapshot.Version);
        Assert.Equal(created.Snapshot.Metadata.Id, opened.Snapshot.Metadata.Id);

        var last = await TableMaintenance.CheckpointAsync(opened.Log, opened.Snapshot);
        Assert.Equal(1, last.Version);
        Assert.Equal(1, last.NumOfAddFiles);
        Assert.Equal(1, (await opened.Log.ReadLastCheckpointAsync())!.Version);
    }

    [Fact]
    public async Task WriterWhoseSnapshotPredatesLogCleanupIsStoppedInsteadOfCommittingBelowTheCheckpoint()
    {
        using var dir = new TempDirectory();
        var location = new TableLocation(new LocalFolderObjectStore(dir.Path));
        var active = await DeltaTable.CreateAsync(location, CommitPipelineTests.KeyValueTable());
        var stale = await DeltaTable.OpenAsync(location, options: new CommitOptions { StaleSnapshotAge = TimeSpan.Zero });
        for (var i = 1; i <= 11; i++)
        {
            await active.CommitAsync(active.BeginTransaction().Add(CommitPipelineTests.DataFile($"f{i}.parquet")));
        }

        await TableMaintenance.CleanUpLogAsync(active.Log, TimeSpan.FromDays(1), now: DateTimeOffset.UtcNow.AddDays(2));
        Assert.False(File.Exists(Path.Combine(dir.Path, "_delta_log", "00000000000000000001.json")));
        var e = await Assert.ThrowsAsync<DeltaLogException>(() => stale.CommitAsync(stale.BeginTransaction().Add(CommitPipelineTests.DataFile("late.parquet"))));
        Assert.Contains("log cleanup", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.Path, "_delta_log", "00000000000000000001.json")));
    }

    [Fact]
    public async Task CheckpointWrittenByDuckDbWithStructStatisticsReadsBackAsStatsJson()
    {
        // An independent Parquet writer (DuckDB) produces the checkpoint: nested structs, a map, a list, and
        // statistics only in add.stats_parsed, as some writers store them.
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "00000000000000000003.checkpoint.parquet");
        const string schema = "{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},{\"name\":\"day\",\"type\":\"date\",\"nullable\":true,\"metadata\":{}}]}";
        var sql = """
            COPY (
              SELECT * FROM (VALUES
                ({'minReaderVersion': 1, 'minWriterVersion': 2}, NULL, NULL),
                (NULL, {'id': 'tid', 'schemaString': '__SCHEMA__', 'partitionColumns': ['p']::VARCHAR[], 'configuration': MAP {'k': 'v'}, 'format': {'provider': 'parquet'}}, NULL),
                (NULL, NULL, {'path': 'p=1/a.parquet', 'partitionValues': MAP {'p': '1'}, 'size': 10::BIGINT, 'modificationTime': 5::BIGINT, 'dataChange': false, 'stats': NULL::VARCHAR,
                  'stats_parsed': {'numRecords': 7::BIGINT, 'minValues': {'id': 3::BIGINT, 'day': DATE '2024-02-03'}, 'maxValues': {'id': 9::BIGINT, 'day': DATE '2024-02-05'}, 'nullCount': {'id': 0::BIGINT, 'day': 1::BIGINT}}})
              ) t(protocol, metaData, "add")
            ) TO __PATH__ (FORMAT parquet)
            """.Replace("__SCHEMA__", schema, StringComparison.Ordinal).Replace("__PATH__", DuckDb.Literal(path), StringComparison.Ordinal);
        await DuckDb.QueryAsync(sql);
        var actions = ParquetCheckpointFormat.Parse(await File.ReadAllBytesAsync(path), path);
        Assert.Equal(new ProtocolAction(1, 2), actions.OfType<ProtocolAction>().Single());
        var metadata = actions.OfType<MetadataAction>().Single();
        Assert.Equal(["p"], metadata.PartitionColumns);
        Assert.Equal("v", metadata.Configuration["k"]);
        var add = actions.OfType<AddFile>().Single();
        Assert.Equal("1", add.PartitionValues["p"]);
        using var stats = JsonDocument.Parse(add.Stats!);
        Assert.Equal(7, stats.RootElement.GetProperty("numRecords").GetInt64());
        Assert.Equal(3, stats.RootElement.GetProperty("minValues").GetProperty("id").GetInt64());
        Assert.Equal("2024-02-05", stats.RootElement.GetProperty("maxValues").GetProperty("day").GetString());
        Assert.Equal(1, stats.RootElement.GetProperty("nullCount").GetProperty("day").GetInt64());
    }
}
