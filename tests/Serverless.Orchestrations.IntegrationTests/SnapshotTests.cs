using Serverless.Delta;
using Serverless.Orchestrations.Hosting;
using Serverless.Orchestrations.Lake;
using Serverless.Orchestrations.StartJob;
using Serverless.Storage.Local;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Orchestrations.IntegrationTests;

[Collection(ShopCollection.Name)]
public sealed class SnapshotTests(ShopDatabase shop, ITestOutputHelper output)
{
    [Fact]
    public async Task JobSnapshotsACompositeKeyAStringKeyAndAnOverrideKeyTableExactlyAndASecondRunDoesNothing()
    {
        using var dir = new TempDirectory("orch-it-snapshot");
        var lake = Path.Combine(dir.Path, "lake");
        var state = Path.Combine(dir.Path, "state");
        var ledger = Path.Combine(dir.Path, "ledger.txt");
        File.WriteAllText(ledger, string.Empty);
        var spec = TestJobs.WriteSpec(dir.Path, "shop-snapshot", [shop.Name + ".*"], lake, shop.KeyOverrides);
        var progress = new RecordingProgress();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        var exit = await JobRunner.RunAsync(spec, TestJobs.RunnerOptions(state, ledger, TimeSpan.Zero), progress, timeout.Token);

        var last = progress.Last;
        output.WriteLine($"{last.Phase} in {last.Elapsed.TotalSeconds:0.0} s: {last.Message}");
        Assert.True(exit == JobExitCodes.Success, $"exit {exit}: {last.Message} {string.Join("; ", last.Problems)}");
        Assert.Equal(JobPhase.Completed, last.Phase);
        Assert.NotNull(last.StartPosition);
        Assert.Equal(3, last.Tables.Count);
        Assert.All(last.Tables, t => Assert.True(t.Complete && t.ChunksCommitted == t.ChunksTotal && t.ChunksTotal > 1, $"{t.SourceTable}: {t}"));

        // The runner reports Starting first and the outcome last, with phases only moving forward in between; which
        // phases a report catches depends on how fast the job runs (it can finish between two polls).
        var phases = progress.Reports.Select(r => r.Phase).ToList();
        Assert.Equal(JobPhase.Starting, phases[0]);
        Assert.Equal(phases.Order(), phases);

        var reads = ChunkReadLedger.ReadCounts(ledger);
        Assert.Equal(last.Tables.Sum(t => t.ChunksTotal), reads.Count);
        Assert.All(reads, r => Assert.Equal(1, r.Value));

        await AssertLakeMatchesSourceAsync(lake);
        foreach (var t in last.Tables)
        {
            var table = await DeltaTable.OpenAsync(new TableLocation(new LocalFolderObjectStore(lake), t.LakeTable));
            Assert.Equal((t.ChunksTotal + 1) / 2, table.Snapshot.GetAppTransactionVersion(SnapshotCommitter.AppId)); // 2 chunks per commit
        }

        var status = await JobRunner.GetStatusAsync(spec, state, CancellationToken.None);
        Assert.NotNull(status);
        Assert.Equal(JobPhase.Completed, status.Phase);
        Assert.NotNull(status.StartPosition);
        Assert.Equal(last.StartPosition, status.StartPosition.ToString());

        // A second run finds the completed instance: nothing is read or committed again.
        var versions = await LakeVersionsAsync(lake, last.Tables);
        var again = new RecordingProgress();
        Assert.Equal(JobExitCodes.Success, await JobRunner.RunAsync(spec, TestJobs.RunnerOptions(state, ledger, TimeSpan.Zero), again, timeout.Token));
        Assert.Contains("already completed", again.Last.Message, StringComparison.Ordinal);
        Assert.Equal(reads, ChunkReadLedger.ReadCounts(ledger));
        Assert.Equal(versions, await LakeVersionsAsync(lake, last.Tables));
    }

    private async Task AssertLakeMatchesSourceAsync(string lake)
    {
        foreach (var (name, key) in ShopDatabase.Tables)
        {
            var (lakeSum, columns, withoutPosition) = await TableChecksum.OfLakeAsync(lake, $"{shop.Name}_{name}", key);
            var sourceSum = await TableChecksum.OfSourceAsync(shop.Db.Admin, shop.Name, name, columns, key);
            output.WriteLine($"{name}: {lakeSum.Rows} rows, {lakeSum.Columns.Count} columns");
            Assert.Equal(sourceSum.Rows, lakeSum.Rows);
            Assert.Equal(lakeSum.Rows, lakeSum.DistinctKeys);
            Assert.Equal(0, withoutPosition);
            Assert.Equal(sourceSum.Columns.Keys.Order(), lakeSum.Columns.Keys.Order());
            foreach (var (column, sum) in sourceSum.Columns)
            {
                Assert.True(sum == lakeSum.Columns[column], $"{name}.{column}: source {sum} lake {lakeSum.Columns[column]}");
            }
        }
    }

    private static async Task<List<long>> LakeVersionsAsync(string lake, IEnumerable<TableProgress> tables)
    {
        var versions = new List<long>();
        foreach (var t in tables)
        {
            versions.Add((await DeltaTable.OpenAsync(new TableLocation(new LocalFolderObjectStore(lake), t.LakeTable))).Snapshot.Version);
        }

        return versions;
    }
}
