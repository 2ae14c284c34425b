using Serverless.Delta.Compaction;
using Serverless.Delta.Log;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Delta.Tests;

/// <summary>Tables written by Spark, Databricks and delta-rs still read, by us and by DuckDB, after compacting a copy of them.</summary>
public sealed class ForeignTableCompactionTests
{
    /// <summary>Every small file is a candidate and two make a bin, so each table with two files in a partition is rewritten.</summary>
    private static readonly CompactionOptions Eager = new() { MinInputFiles = 2, DeletedRowRatioThreshold = 0.01, CheckpointInterval = 1, CleanUpLog = false };

    [Theory]
    [InlineData("dat-basic_append/delta", 2)]
    [InlineData("dat-basic_partitioned/delta", 2)]
    [InlineData("dat-multi_partitioned/delta", 0)]
    [InlineData("dat-with_schema_change/delta", 0)]
    [InlineData("rs-delta-0.8.0", 2)]
    [InlineData("rs-delta-2.2.0-partitioned-types", 0)]
    [InlineData("rs-simple_table", 5)]
    [InlineData("rs-simple_table_with_checkpoint", 11)]
    [InlineData("rs-table-with-dv-small", 1)]
    [InlineData("rs-table-without-dv-small", 0)]
    [InlineData("rs-table_with_edge_timestamps", 2)]
    public async Task ForeignTableReadsToTheSameRowsAfterCompactingACopy(string fixture, int expectedFilesRemoved)
    {
        using var dir = new TempDirectory();
        Copy(Path.Combine(RepoPaths.DeltaFixtures, fixture), dir.Path);
        var (before, _) = await DeltaRsFixtureTests.OursAndDuckDbsAsync(dir.Path);
        var table = await DeltaTable.OpenAsync(new TableLocation(new LocalFolderObjectStore(dir.Path)));

        var result = await new TableCompactor(Eager).CompactAsync(table);

        Assert.Equal(expectedFilesRemoved, result.FilesRemoved);
        Assert.All(table.Snapshot.Files.Where(f => result.FilesAdded > 0 && !f.DataChange), f => Assert.Null(f.DeletionVector));
        var (after, duck) = await DeltaRsFixtureTests.OursAndDuckDbsAsync(dir.Path);
        Assert.Equal(before, after);
        Assert.Equal(after, duck);

        // With an interval of 1 every version past 0 has a checkpoint (the run's, or the table's own), and it opens the table.
        Assert.Equal(table.Snapshot.Version, (await table.Log.ReadLastCheckpointAsync())?.Version ?? 0);
        Assert.True(result.CheckpointVersion is null || result.CheckpointVersion == table.Snapshot.Version);
        Assert.Equal(table.Snapshot.Files.Count, (await new DeltaLog(table.Location).LoadAsync()).Files.Count);
    }

    private static void Copy(string from, string to)
    {
        foreach (var path in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, path));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(path, target);
        }
    }
}
