using Serverless.Durable.History;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.Hosting;
using Serverless.Orchestrations.StartJob;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Orchestrations.IntegrationTests;

/// <summary>StartJob reads a table's chunks while later tables are still being migrated and planned.</summary>
public sealed class PipelineTests(ITestOutputHelper output)
{
    private const int Tables = 6;

    [Fact]
    public async Task FirstTablesAreReadBeforeTheLastTableIsMigratedAndEveryTableArrivesWhole()
    {
        await using var db = await SourceDatabase.CreateAsync("orch_it_pipeline");
        for (var t = 0; t < Tables; t++)
        {
            await db.Admin.ExecuteAsync($"CREATE TABLE t{t} (id INT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL)");
            await db.Admin.ExecuteAsync($"INSERT INTO t{t} SELECT seq, CONCAT('row ', seq) FROM seq_1_to_{500 * (t + 1)}");
        }

        using var dir = new TempDirectory("orch-it-pipeline");
        var lake = Path.Combine(dir.Path, "lake");
        var state = Path.Combine(dir.Path, "state");
        var ledger = Path.Combine(dir.Path, "ledger.txt");
        File.WriteAllText(ledger, string.Empty);

        // Parallelism 1 prepares two tables at a time, so six tables take three rounds of preparation.
        var spec = TestJobs.WriteSpec(dir.Path, "pipeline", [db.Name + ".*"], lake, parallelism: 1, chunkRows: 1000);
        var progress = new RecordingProgress();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var exit = await JobRunner.RunAsync(spec, TestJobs.RunnerOptions(state, ledger, TimeSpan.Zero), progress, timeout.Token);
        Assert.True(exit == JobExitCodes.Success, $"exit {exit}: {progress.Last.Message}");

        await using var host = JobHost.ForStatus(JobSpecFile.Load(spec), spec, state);
        var history = await host.Runtime.Client.GetHistoryAsync(host.InstanceId);
        var scheduled = history.OfType<TaskScheduledEvent>().Select(e => e.Name).ToList();
        output.WriteLine(string.Join(", ", scheduled));
        var firstRead = scheduled.IndexOf(ActivityNames.ReadChunk);
        var lastMigration = scheduled.LastIndexOf(ActivityNames.MigrateTable);
        Assert.True(firstRead >= 0 && firstRead < lastMigration, $"first ReadChunk at {firstRead}, last MigrateTable at {lastMigration}");

        // Status lists the tables in the job's order, each complete with every row.
        var last = progress.Last;
        Assert.Equal(JobPhase.Completed, last.Phase);
        Assert.Equal(Enumerable.Range(0, Tables).Select(t => $"{db.Name}.t{t}"), last.Tables.Select(t => t.SourceTable));
        Assert.All(last.Tables.Select((t, i) => (t, i)), x => Assert.Equal(500L * (x.i + 1), x.t.RowsCommitted));
        Assert.All(ChunkReadLedger.ReadCounts(ledger), r => Assert.Equal(1, r.Value));
    }
}
