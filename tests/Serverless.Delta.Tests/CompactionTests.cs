using Serverless.Delta.Actions;
using Serverless.Delta.Compaction;
using Serverless.Delta.DataFiles;
using Serverless.Delta.Merge;
using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;
using Serverless.Delta.Transactions;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Delta.Tests;

/// <summary>The compactor on real tables in a local folder: what it rewrites, what the rewrite keeps, and how it meets writers.</summary>
public sealed class CompactionTests
{
    private static readonly MergeOptions Keyed = new(["id"], "_cdc_position");

    internal static TableDefinition KeyedTable() => new(
    [
        new StructField("id", PrimitiveType.Long, false),
        new StructField("name", PrimitiveType.String),
        new StructField("amount", new DecimalType(12, 2)),
        new StructField("_cdc_position", PrimitiveType.Long, false),
    ]);

    internal static RowChange Upsert(long id, long position) => RowChange.Upsert([id, $"name-{id}-{position}", id % 7 == 0 ? null : (decimal)id / 100, position]);

    internal static RowChange Delete(long id, long position) => RowChange.Delete([id, null, null, position]);

    /// <summary>Every live row as (id, name, amount, position), failing on a key that is live twice.</summary>
    internal static async Task<SortedDictionary<long, string>> RowsAsync(Log.Snapshot snapshot)
    {
        var rows = new SortedDictionary<long, string>();
        await foreach (var row in new DeltaScan(snapshot).Select("id", "name", "amount", "_cdc_position").ReadRowsAsync())
        {
            Assert.True(rows.TryAdd((long)row[0]!, $"{row[1]}|{row[2]}|{row[3]}"), $"key {row[0]} is live twice");
        }

        return rows;
    }

    /// <summary>A table of <paramref name="files"/> files of <paramref name="rowsPerFile"/> rows each, one merge batch per file.</summary>
    private static async Task<DeltaTable> SmallFilesAsync(TempDirectory dir, int files, int rowsPerFile, CommitOptions? options = null, TableDefinition? definition = null)
    {
        var table = await DeltaTable.CreateAsync(new TableLocation(new LocalFolderObjectStore(dir.Path)), definition ?? KeyedTable(), options: options);
        var writer = new MergeWriter(table, Keyed with { KeepTombstones = false });
        for (var f = 0; f < files; f++)
        {
            var batch = Enumerable.Range(f * rowsPerFile, rowsPerFile).Select(id => Upsert(id, 1)).ToList();
            await writer.MergeAsync(batch, "snapshot", f + 1);
        }

        return table;
    }

    private static async Task<DeltaTable> OpenAsync(TempDirectory dir, CommitOptions? options = null) =>
        await DeltaTable.OpenAsync(new TableLocation(new LocalFolderObjectStore(dir.Path)), options: options);

    [Fact]
    public async Task ThirtySmallFilesBecomeOneFileWithTheSameRowsInADataChangeFalseOptimizeCommit()
    {
        using var dir = new TempDirectory();
        var table = await SmallFilesAsync(dir, 30, 200);
        var before = await RowsAsync(table.Snapshot);

        var progress = new List<CompactionProgress>();
        var result = await new TableCompactor().CompactAsync(table, new Recorded(progress));

        Assert.Equal(new CompactionProgress(table.Snapshot.Version, 1, 1, result.BytesRead, result.BytesWritten), Assert.Single(progress));
        Assert.Equal(30, result.Before.LiveFiles);
        Assert.Equal(30, result.Before.SmallFiles);
        Assert.Equal(1, result.After.LiveFiles);
        Assert.Equal((30, 1, 1), (result.FilesRemoved, result.FilesAdded, result.Commits));
        Assert.Equal(6000, result.RowsWritten);
        Assert.Equal(result.BytesWritten, result.After.LiveBytes);
        Assert.Equal(before, await RowsAsync(table.Snapshot));

        var commit = await table.Log.ReadCommitAsync(table.Snapshot.Version);
        Assert.Equal("OPTIMIZE", commit.OfType<CommitInfoAction>().Single().Operation);
        Assert.Equal(30, commit.OfType<RemoveFile>().Count());
        Assert.All(commit.OfType<RemoveFile>(), r => Assert.False(r.DataChange));
        var add = Assert.Single(commit.OfType<AddFile>());
        Assert.False(add.DataChange);
        Assert.Equal(6000, DeltaTransaction.StatsNumRecords(add.Stats));

        // DuckDB, reading the one Parquet file on its own, sees the same rows.
        var (ours, duck) = await DeltaRsFixtureTests.OursAndDuckDbsAsync(dir.Path);
        Assert.Equal(6000, duck.Count);
        Assert.Equal(ours, duck);
    }

    [Fact]
    public async Task BinsOfAboutTheTargetSizeBecomeOneFileEach()
    {
        using var dir = new TempDirectory();
        var table = await SmallFilesAsync(dir, 30, 200);
        var largest = table.Snapshot.Files.Max(f => f.Size);
        var before = await RowsAsync(table.Snapshot);

        // Three inputs fit the target, a fourth does not: 10 bins of 3 files.
        var options = new CompactionOptions { TargetFileSize = (largest * 3) + (largest / 2), MinInputFiles = 2 };
        var result = await new TableCompactor(options).CompactAsync(table);

        Assert.Equal(10, result.FilesAdded);
        Assert.Equal(10, table.Snapshot.Files.Count);
        Assert.All(table.Snapshot.Files, f => Assert.Equal(600, DeltaTransaction.StatsNumRecords(f.Stats)));
        Assert.Equal(before, await RowsAsync(table.Snapshot));
    }

    [Fact]
    public async Task FilesWithManyDeletedRowsAreRewrittenWithoutThemAndTheirDeletionVectorsAreGone()
    {
        using var dir = new TempDirectory();
        var table = await SmallFilesAsync(dir, 1, 1000);
        var writer = new MergeWriter(table, Keyed with { KeepTombstones = false });
        await writer.MergeAsync([.. Enumerable.Range(0, 100).Select(i => Delete(i * 10, 2)), .. Enumerable.Range(0, 50).Select(i => Upsert((i * 10) + 1, 2))], "binlog", 1);
        Assert.Contains(table.Snapshot.Files, f => f.DeletionVector is { Cardinality: 150 });
        var before = await RowsAsync(table.Snapshot);
        Assert.Equal(900, before.Count);

        var result = await new TableCompactor(new CompactionOptions { MinInputFiles = 2 }).CompactAsync(table);

        Assert.Equal(1, result.Before.DeletionVectorHeavyFiles);
        Assert.Equal(1, result.DeletionVectorsPurged);
        Assert.Equal(150, result.RowsPurged);
        Assert.All(table.Snapshot.Files, f => Assert.Null(f.DeletionVector));
        Assert.Equal(0, result.After.DeletedRows);
        Assert.Equal(before, await RowsAsync(table.Snapshot));
        var (ours, duck) = await DeltaRsFixtureTests.OursAndDuckDbsAsync(dir.Path);
        Assert.Equal(900, duck.Count);
        Assert.Equal(ours, duck);
    }

    /// <summary>A table of 10 files of 50 rows and a compaction prepared on it in two bins of 5 files, not committed yet.</summary>
    private static async Task<(DeltaTable Compacting, TableCompactor Compactor, PreparedCompaction Prepared)> PreparedInTwoBinsAsync(TempDirectory dir)
    {
        await SmallFilesAsync(dir, 10, 50);
        var compacting = await OpenAsync(dir);
        var largest = compacting.Snapshot.Files.Max(f => f.Size);
        var compactor = new TableCompactor(new CompactionOptions { TargetFileSize = (largest * 5) + (largest / 2), MinInputFiles = 2 });
        var prepared = await compactor.PrepareAsync(compacting);
        Assert.Equal(2, prepared.Bins.Count);
        return (compacting, compactor, prepared);
    }

    [Fact]
    public async Task AWritersNewDeletionVectorOnAnInputIsATypedConflictAndItsDeletesAreCarriedIntoTheCompactedFile()
    {
        using var dir = new TempDirectory();
        var (compacting, compactor, prepared) = await PreparedInTwoBinsAsync(dir);

        // A writer, on its own table instance, deletes a key of the first bin and updates the next one after the rewrite read them.
        var touched = prepared.Bins[0].Bin.Files[0];
        var key = await FirstKeyAsync(compacting.Snapshot, touched);
        var writing = await OpenAsync(dir);
        await new MergeWriter(writing, Keyed with { KeepTombstones = false }).MergeAsync([Delete(key, 5), Upsert(key + 1, 5)], "binlog", 1);
        var expected = await RowsAsync(writing.Snapshot);

        var commit = await compactor.CommitAsync(compacting, prepared);

        Assert.Equal([ConflictKind.ConcurrentDeleteDelete], commit.Conflicts);
        Assert.Empty(commit.Abandoned);
        Assert.Equal(2, commit.Committed.Count);
        Assert.Equal(2, commit.RowsCarried);
        var output = compacting.Snapshot.FindFile(DeltaPath.Decode(prepared.Bins[0].Output!.Path))!;
        Assert.Equal(2, output.DeletionVector!.Cardinality);
        Assert.Null(compacting.Snapshot.FindFile(DeltaPath.Decode(touched.Path)));
        Assert.Equal(expected, await RowsAsync(compacting.Snapshot));
        Assert.Equal(expected, await RowsAsync(await new Log.DeltaLog(compacting.Location).LoadAsync()));

        // A later run purges the carried deletion vector; the rows stay the writer's.
        await new TableCompactor(new CompactionOptions { MinInputFiles = 2, DeletedRowRatioThreshold = 0.001 }).CompactAsync(compacting);
        Assert.All(compacting.Snapshot.Files, f => Assert.Null(f.DeletionVector));
        Assert.Equal(expected, await RowsAsync(compacting.Snapshot));
    }

    [Fact]
    public async Task DeletesCarriedIntoTheCompactedFileLandOnTheRowsTheyDeletedPastRowsAlreadyDeletedAtTheRewrite()
    {
        using var dir = new TempDirectory();
        var table = await SmallFilesAsync(dir, 2, 10);
        var writer = new MergeWriter(table, Keyed with { KeepTombstones = false });

        // Rows 0 and 5 of each file are deleted before the rewrite, so output rows skip them.
        await writer.MergeAsync([Delete(0, 2), Delete(5, 2), Delete(10, 2), Delete(15, 2)], "binlog", 1);
        var compacting = await OpenAsync(dir);
        var compactor = new TableCompactor(new CompactionOptions { MinInputFiles = 2 });
        var prepared = await compactor.PrepareAsync(compacting);
        Assert.Equal(2, Assert.Single(prepared.Bins).Bin.Files.Count);

        // After the rewrite a writer deletes rows 3 and 7 of both files (and updates row 8 of the first).
        await writer.MergeAsync([Delete(3, 3), Delete(7, 3), Delete(13, 3), Delete(17, 3), Upsert(8, 3)], "binlog", 2);
        var expected = await RowsAsync(table.Snapshot);

        var commit = await compactor.CommitAsync(compacting, prepared);

        Assert.Equal(5, commit.RowsCarried);
        Assert.Equal(expected, await RowsAsync(compacting.Snapshot));
        Assert.Equal(expected, await RowsAsync(await new Log.DeltaLog(compacting.Location).LoadAsync()));
        Assert.Equal([1L, 2, 4, 6, 8, 9, 11, 12, 14, 16, 18, 19], expected.Keys);
    }

    [Fact]
    public async Task AnInputRewrittenByACopyOnWriteWriterAbandonsOnlyItsBinAndTheNextRunCompactsIt()
    {
        using var dir = new TempDirectory();
        var (compacting, compactor, prepared) = await PreparedInTwoBinsAsync(dir);

        var touched = prepared.Bins[0].Bin.Files[0];
        var key = await FirstKeyAsync(compacting.Snapshot, touched);
        var writing = await OpenAsync(dir);
        await new MergeWriter(writing, Keyed with { KeepTombstones = false, Mode = MergeMode.CopyOnWrite }).MergeAsync([Delete(key, 5), Upsert(key + 1, 5)], "binlog", 1);
        var expected = await RowsAsync(writing.Snapshot);

        var commit = await compactor.CommitAsync(compacting, prepared);

        Assert.Equal([ConflictKind.ConcurrentDeleteDelete], commit.Conflicts);
        Assert.Same(prepared.Bins[0], Assert.Single(commit.Abandoned));
        Assert.Same(prepared.Bins[1], Assert.Single(commit.Committed));
        Assert.False(File.Exists(Path.Combine(dir.Path, DeltaPath.Decode(prepared.Bins[0].Output!.Path))), "the abandoned output was never committed and is deleted");
        Assert.Equal(expected, await RowsAsync(compacting.Snapshot));

        // The next run plans from the writer's version, where the rewritten file replaces the touched one.
        var rest = await compactor.CompactAsync(compacting);
        Assert.True(rest.FilesRemoved >= 5, $"{rest.FilesRemoved} files rewritten");
        Assert.Equal(expected, await RowsAsync(compacting.Snapshot));
        Assert.DoesNotContain(key, (await RowsAsync(compacting.Snapshot)).Keys);
    }

    [Fact]
    public async Task AConcurrentAppendDoesNotConflictAndItsRowsStay()
    {
        using var dir = new TempDirectory();
        await SmallFilesAsync(dir, 10, 50);
        var compacting = await OpenAsync(dir);
        var compactor = new TableCompactor(new CompactionOptions { MinInputFiles = 2 });
        var prepared = await compactor.PrepareAsync(compacting);

        var writing = await OpenAsync(dir);
        await new MergeWriter(writing, Keyed with { KeepTombstones = false }).MergeAsync([.. Enumerable.Range(10_000, 20).Select(id => Upsert(id, 9))], "binlog", 1);
        var expected = await RowsAsync(writing.Snapshot);

        var commit = await compactor.CommitAsync(compacting, prepared);

        Assert.Empty(commit.Conflicts);
        Assert.Empty(commit.Abandoned);
        Assert.Equal(1, commit.LostRaces);
        Assert.Equal(writing.Snapshot.Version + 1, commit.Version);
        Assert.Equal(2, compacting.Snapshot.Files.Count);
        Assert.Equal(expected, await RowsAsync(compacting.Snapshot));
    }

    [Fact]
    public async Task CheckpointIsWrittenOnTheTablesIntervalWhenWritersLeaveCheckpointsToTheCompactor()
    {
        using var dir = new TempDirectory();
        var definition = KeyedTable() with { Configuration = new Dictionary<string, string> { ["delta.checkpointInterval"] = "5" } };
        var table = await SmallFilesAsync(dir, 12, 10, new CommitOptions { CheckpointInterval = 0 }, definition);
        Assert.Null(await table.Log.ReadLastCheckpointAsync());

        var result = await new TableCompactor(new CompactionOptions { MinInputFiles = 50 }).CompactAsync(table);

        Assert.Equal(0, result.Commits);
        Assert.Equal(12, result.CheckpointVersion);
        Assert.Equal(12, (await table.Log.ReadLastCheckpointAsync())!.Version);

        // A fresh reader opens from the checkpoint alone: the commits before it are not needed.
        var log = Path.Combine(dir.Path, "_delta_log");
        for (var v = 0; v < 12; v++)
        {
            File.Delete(Path.Combine(log, $"{v:D20}.json"));
        }

        var fresh = await OpenAsync(dir);
        Assert.Equal(12, fresh.Snapshot.Version);
        Assert.Equal(await RowsAsync(table.Snapshot), await RowsAsync(fresh.Snapshot));

        // Fewer than 5 versions later there is nothing to checkpoint.
        Assert.Null((await new TableCompactor(new CompactionOptions { MinInputFiles = 50 }).CompactAsync(fresh)).CheckpointVersion);
    }

    private static async Task<long> FirstKeyAsync(Log.Snapshot snapshot, AddFile file)
    {
        await foreach (var batch in new DeltaScan(snapshot).Select("id").ReadFileAsync(file))
        {
            return (long)batch.GetValue(0, 0)!;
        }

        throw new InvalidOperationException($"{file.Path} has no rows.");
    }

    /// <summary>Records progress reports synchronously, in order.</summary>
    private sealed class Recorded(List<CompactionProgress> reports) : IProgress<CompactionProgress>
    {
        public void Report(CompactionProgress value) => reports.Add(value);
    }
}
