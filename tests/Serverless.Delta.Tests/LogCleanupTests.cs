using Serverless.Delta.Compaction;
using Serverless.Delta.Log;
using Serverless.Delta.Maintenance;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Delta.Tests;

/// <summary>PROTOCOL.md metadata cleanup: what expires, and that every version a reader may still ask for stays loadable.</summary>
public sealed class LogCleanupTests
{
    /// <summary>25 commits (checkpoints at 10 and 20 by the writer) whose first <paramref name="oldCommits"/> commit files are 40 days old.</summary>
    private static async Task<DeltaTable> AgedTableAsync(TempDirectory dir, int oldCommits)
    {
        var table = await DeltaTable.CreateAsync(new TableLocation(new LocalFolderObjectStore(dir.Path)), CommitPipelineTests.KeyValueTable());
        for (var i = 1; i <= 24; i++)
        {
            await table.CommitAsync(table.BeginTransaction().Add(CommitPipelineTests.DataFile($"f{i}.parquet")));
        }

        var old = DateTime.UtcNow.AddDays(-40);
        var log = Path.Combine(dir.Path, "_delta_log");
        for (var v = 0; v < oldCommits; v++)
        {
            File.SetLastWriteTimeUtc(Path.Combine(log, $"{v:D20}.json"), old.AddMinutes(v));
        }

        File.SetLastWriteTimeUtc(Path.Combine(log, $"{10:D20}.checkpoint.parquet"), old.AddMinutes(10));
        return table;
    }

    [Fact]
    public async Task CleanupKeepsTheCheckpointBeforeTheCutoffCommitAndEverythingAfterIt()
    {
        using var dir = new TempDirectory();
        var table = await AgedTableAsync(dir, oldCommits: 15);

        // Commits 0-14 are past a 30-day retention: the cut-off commit is 14, the newest checkpoint at or before it is 10.
        var result = await new TableCompactor(new CompactionOptions { MinInputFiles = 50, LogRetention = TimeSpan.FromDays(30) }).CompactAsync(table);

        Assert.Equal(10, result.LogFilesDeleted);
        var log = Path.Combine(dir.Path, "_delta_log");
        Assert.Equal(Enumerable.Range(10, 15).Select(v => $"{v:D20}.json"), Directory.GetFiles(log, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(File.Exists(Path.Combine(log, $"{10:D20}.checkpoint.parquet")));

        // Every version from the checkpoint on loads, time travel included; older ones are gone with a clear error.
        for (var v = 10; v <= 24; v++)
        {
            var snapshot = await new DeltaLog(table.Location).LoadAsync(v);
            Assert.Equal(v, snapshot.Files.Count);
        }

        var gone = await Assert.ThrowsAsync<DeltaLogException>(() => new DeltaLog(table.Location).LoadAsync(9));
        Assert.Contains("cleaned up", gone.Message, StringComparison.Ordinal);
        Assert.Equal(24, (await DeltaTable.OpenAsync(new TableLocation(new LocalFolderObjectStore(dir.Path)))).Snapshot.Version);
    }

    [Fact]
    public async Task NothingIsDeletedWithoutACheckpointAtOrBeforeTheCutoffCommit()
    {
        using var dir = new TempDirectory();
        var table = await AgedTableAsync(dir, oldCommits: 9);

        // The cut-off commit is 8; the first checkpoint (10) is newer, so no version can be given up.
        var deleted = await TableMaintenance.CleanUpLogAsync(table.Log, TimeSpan.FromDays(30));

        Assert.Empty(deleted.DeletedPaths);
        Assert.Empty((await new DeltaLog(table.Location).LoadAsync(0)).Files);
    }

    [Fact]
    public async Task TheTablesLogRetentionPropertyIsHonouredAndAMalformedOneIsNamed()
    {
        using var dir = new TempDirectory();
        var table = await AgedTableAsync(dir, oldCommits: 15);
        var tx = table.BeginTransaction().UpdateMetadata(table.Snapshot.Metadata with
        {
            Configuration = new Dictionary<string, string>(table.Snapshot.Metadata.Configuration) { ["delta.logRetentionDuration"] = "interval 60 days" },
        });
        await table.CommitAsync(tx);

        // 40-day-old commits are inside a 60-day retention.
        Assert.Equal(0, (await new TableCompactor(new CompactionOptions { MinInputFiles = 50 }).CompactAsync(table)).LogFilesDeleted);

        tx = table.BeginTransaction().UpdateMetadata(table.Snapshot.Metadata with
        {
            Configuration = new Dictionary<string, string>(table.Snapshot.Metadata.Configuration) { ["delta.logRetentionDuration"] = "60 fortnights" },
        });
        await table.CommitAsync(tx);
        var e = await Assert.ThrowsAsync<DeltaException>(() => new TableCompactor(new CompactionOptions { MinInputFiles = 50 }).CompactAsync(table));
        Assert.Contains("delta.logRetentionDuration", e.Message, StringComparison.Ordinal);
        Assert.Contains("interval 30 days", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("interval 30 days", 30 * 24 * 60)]
    [InlineData("interval 1 week 12 hours", (7 * 24 * 60) + (12 * 60))]
    [InlineData("2 hours", 120)]
    [InlineData("INTERVAL 1 DAY", 24 * 60)]
    public void DeltaIntervalsParse(string text, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), TableProperties.ParseInterval(text, "test"));
}
