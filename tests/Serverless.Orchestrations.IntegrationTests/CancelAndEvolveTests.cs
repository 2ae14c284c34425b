using Microsoft.DurableTask;
using Serverless.Delta;
using Serverless.Delta.Scanning;
using Serverless.Durable.History;
using Serverless.Durable.Runtime;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.Hosting;
using Serverless.Orchestrations.Lake;
using Serverless.Orchestrations.StartJob;
using Serverless.Storage.Local;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Orchestrations.IntegrationTests;

[Collection(ShopCollection.Name)]
public sealed class CancelAndEvolveTests(ShopDatabase shop, ITestOutputHelper output)
{
    [Fact]
    public async Task CancelledRunExitsWith130AndTheNextRunResumesToExactlyTheSourceRows()
    {
        using var dir = new TempDirectory("orch-it-cancel");
        var lake = Path.Combine(dir.Path, "lake");
        var state = Path.Combine(dir.Path, "state");
        var ledger = Path.Combine(dir.Path, "ledger.txt");
        File.WriteAllText(ledger, string.Empty);
        var spec = TestJobs.WriteSpec(dir.Path, "shop-cancel", [shop.Name + ".order_items"], lake, parallelism: 2, chunkRows: 1000);
        using var ctrlC = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var first = new CancellingProgress(ctrlC, afterCommittedChunks: 2);

        // Only 4 of the 12 chunks can be read before the Ctrl-C; later reads wait for it, so it lands mid-snapshot.
        // The status object is written only when the run starts and when it stops (the interval is an hour).
        var options = TestJobs.RunnerOptions(state, ledger, TimeSpan.Zero, holdAfterReads: 4) with { StatusWriteInterval = TimeSpan.FromHours(1) };
        var exit = await JobRunner.RunAsync(spec, options, first, ctrlC.Token);

        foreach (var r in first.Reports)
        {
            output.WriteLine($"{r.Elapsed.TotalMilliseconds:0} ms {r.Phase}: {r.Tables.Sum(t => t.ChunksRead)} read, {r.Tables.Sum(t => t.ChunksCommitted)} committed");
        }

        Assert.Equal(JobExitCodes.Cancelled, exit);
        Assert.Equal(JobPhase.Cancelled, first.Last.Phase);
        var committedAtCancel = first.Last.Tables.Single().ChunksCommitted;
        Assert.InRange(committedAtCancel, 2, 4);
        var readsAtCancel = ChunkReadLedger.ReadCounts(ledger);

        // Status read right after the stop (as `serverless status` does from another process) is not behind what the run showed.
        var stopped = await JobRunner.GetStatusAsync(spec, state, CancellationToken.None);
        Assert.NotNull(stopped);
        Assert.InRange(Assert.Single(stopped.Tables).ChunksCommitted, committedAtCancel, 4);

        var second = new RecordingProgress();
        Assert.Equal(JobExitCodes.Success, await JobRunner.RunAsync(spec, TestJobs.RunnerOptions(state, ledger, TimeSpan.Zero), second, CancellationToken.None));
        Assert.True(second.Last.Resumed);
        var (lakeSum, columns, _) = await TableChecksum.OfLakeAsync(lake, shop.Name + "_order_items", ["order_id", "line_no"]);
        var sourceSum = await TableChecksum.OfSourceAsync(shop.Db.Admin, shop.Name, "order_items", columns, ["order_id", "line_no"]);
        Assert.Equal(ShopDatabase.OrderItems, lakeSum.Rows);
        Assert.Equal(lakeSum.Rows, lakeSum.DistinctKeys);
        Assert.Equal(sourceSum.Columns.OrderBy(c => c.Key), lakeSum.Columns.OrderBy(c => c.Key));

        // Only the reads cancelled in flight ran again.
        var reads = ChunkReadLedger.ReadCounts(ledger);
        var again = reads.Where(r => r.Value > 1).Select(r => r.Key).ToList();
        output.WriteLine($"{readsAtCancel.Count} chunks started before Ctrl-C, {committedAtCancel} committed; read again: {string.Join(", ", again)}");
        Assert.Equal(12, reads.Count);
        Assert.True(again.Count <= 2, $"Only the 2 reads in flight may run again; got {string.Join(", ", again)}.");
    }

    [Fact]
    public async Task RunAfterTheStateIsLostEvolvesTheLakeSchemaAndReplacesTheEarlierSnapshotInsteadOfDuplicatingIt()
    {
        await using var db = await SourceDatabase.CreateAsync("orch_it_evolve");
        await db.Admin.ExecuteAsync("CREATE TABLE items (id INT PRIMARY KEY, qty SMALLINT NOT NULL, label VARCHAR(20))");
        await db.Admin.ExecuteAsync("INSERT INTO items SELECT seq, seq % 100, CONCAT('item ', seq) FROM seq_1_to_3000");
        using var dir = new TempDirectory("orch-it-evolve");
        var lake = Path.Combine(dir.Path, "lake");
        var spec = TestJobs.WriteSpec(dir.Path, "evolve", [db.Name + ".items"], lake, parallelism: 2, chunkRows: 1000);
        Assert.Equal(JobExitCodes.Success, await JobRunner.RunAsync(spec, TestJobs.RunnerOptions(Path.Combine(dir.Path, "state-1"), Path.Combine(dir.Path, "ledger.txt"), TimeSpan.Zero), new RecordingProgress(), CancellationToken.None));

        // The source changes shape: a new column and a wider type. The next run has no state (a new state folder).
        await db.Admin.ExecuteAsync("ALTER TABLE items ADD COLUMN weight DECIMAL(8,3) NULL, MODIFY qty INT NOT NULL");
        await db.Admin.ExecuteAsync("UPDATE items SET weight = id / 1000, qty = qty + 100000");
        var progress = new RecordingProgress();
        Assert.Equal(JobExitCodes.Success, await JobRunner.RunAsync(spec, TestJobs.RunnerOptions(Path.Combine(dir.Path, "state-2"), Path.Combine(dir.Path, "ledger.txt"), TimeSpan.Zero), progress, CancellationToken.None));

        var table = await DeltaTable.OpenAsync(new TableLocation(new LocalFolderObjectStore(lake), db.Name + "_items"));
        Assert.Equal("integer", table.Snapshot.Schema.FindField("qty")!.Type.TypeName);
        Assert.Equal("decimal(8,3)", table.Snapshot.Schema.FindField("weight")!.Type.TypeName);
        var rows = new List<object?[]>();
        await foreach (var row in new DeltaScan(table.Snapshot).Select("id", "qty", "weight").ReadRowsAsync())
        {
            rows.Add(row);
        }

        Assert.Equal(3000, rows.Count);
        Assert.Equal(3000, rows.Select(r => (int)r[0]!).Distinct().Count());
        Assert.All(rows, r => Assert.Equal(((int)r[0]! % 100) + 100000, (int)r[1]!));
        Assert.All(rows, r => Assert.Equal((int)r[0]! / 1000m, (decimal)r[2]!));

        // The second snapshot numbered its commits after the first one's.
        Assert.Equal(4, table.Snapshot.GetAppTransactionVersion(SnapshotCommitter.AppId));
    }

    [Fact]
    public async Task SourceTypeChangeTheLakeCannotTakeFailsTheRunAtOnceNamingTheColumnAndTheFix()
    {
        await using var db = await SourceDatabase.CreateAsync("orch_it_incompatible");
        await db.Admin.ExecuteAsync("CREATE TABLE items (id INT PRIMARY KEY, code VARCHAR(20) NOT NULL)");
        await db.Admin.ExecuteAsync("INSERT INTO items SELECT seq, CONCAT(seq) FROM seq_1_to_100");
        using var dir = new TempDirectory("orch-it-incompatible");
        var lake = Path.Combine(dir.Path, "lake");
        var spec = TestJobs.WriteSpec(dir.Path, "incompatible", [db.Name + ".items"], lake);
        Assert.Equal(JobExitCodes.Success, await JobRunner.RunAsync(spec, TestJobs.RunnerOptions(Path.Combine(dir.Path, "state-1"), Path.Combine(dir.Path, "ledger.txt"), TimeSpan.Zero), new RecordingProgress(), CancellationToken.None));

        await db.Admin.ExecuteAsync("ALTER TABLE items MODIFY code INT NOT NULL");
        var progress = new RecordingProgress();
        var state = Path.Combine(dir.Path, "state-2");
        var exit = await JobRunner.RunAsync(spec, TestJobs.RunnerOptions(state, Path.Combine(dir.Path, "ledger.txt"), TimeSpan.Zero), progress, CancellationToken.None);

        output.WriteLine(progress.Last.Message);
        Assert.Equal(JobExitCodes.Failed, exit);
        Assert.Equal(JobPhase.Failed, progress.Last.Phase);
        Assert.Contains("Column 'code'", progress.Last.Message, StringComparison.Ordinal);
        Assert.Contains("Fix:", progress.Last.Message, StringComparison.Ordinal);

        // Status says what failed once (not again as the inner exception).
        var status = await JobRunner.GetStatusAsync(spec, state, CancellationToken.None);
        Assert.Equal(JobPhase.Failed, status!.Phase);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(status.Failure!, "Column 'code'"));

        // A schema the lake cannot take is not retried: history holds one MigrateTable attempt.
        await using var observer = EmbeddedDurableRuntime.ForLocalFolder(JobHost.OrchestrationsFolder(state), new DurableTaskRegistry().AddStartJob());
        var history = await observer.Client.GetHistoryAsync(JobRunner.InstanceIdFor("incompatible"));
        Assert.Single(history.OfType<TaskScheduledEvent>(), e => e.Name == ActivityNames.MigrateTable);
    }

    private sealed class CancellingProgress(CancellationTokenSource ctrlC, int afterCommittedChunks) : IProgress<JobProgress>
    {
        private readonly RecordingProgress inner = new();

        public JobProgress Last => inner.Last;

        public IReadOnlyList<JobProgress> Reports => inner.Reports;

        public void Report(JobProgress value)
        {
            inner.Report(value);
            if (value.Tables.Sum(t => t.ChunksCommitted) >= afterCommittedChunks)
            {
                ctrlC.Cancel();
            }
        }
    }
}
