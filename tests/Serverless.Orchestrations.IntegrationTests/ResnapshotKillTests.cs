using Microsoft.Extensions.DependencyInjection;
using Serverless.Cdc.Transport.Embedded;
using Serverless.Cdc.Writer;
using Serverless.Delta;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.Hosting;
using Serverless.Orchestrations.Jobs;
using Serverless.Orchestrations.StartJob;
using Serverless.Storage.Local;
using Serverless.Storage.State;
using Xunit.Abstractions;

namespace Serverless.Orchestrations.IntegrationTests;

/// <summary>
/// A streaming host SIGKILLed while it snapshots a live table again (its key column was dropped at the source) resumes
/// the re-snapshot on the next run and ends equal to the source: the chunks read before the kill were never published
/// (their files are left for vacuum), the table stayed held meanwhile, and the writes made around the kill arrive once.
/// </summary>
public sealed class ResnapshotKillTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task AHostKilledDuringAResnapshotResumesItAndEndsEqual()
    {
        await using var db = await SourceDatabase.CreateAsync("orch_it_resnapkill");
        await db.Admin.ExecuteAsync("CREATE TABLE accounts (id INT AUTO_INCREMENT PRIMARY KEY, code VARCHAR(20) NOT NULL, balance INT NOT NULL, note VARCHAR(40), UNIQUE KEY (code))");
        await db.Admin.ExecuteAsync("INSERT INTO accounts (code, balance, note) SELECT CONCAT('a', LPAD(seq, 5, '0')), seq, 'n' FROM seq_1_to_5000");
        using var dir = new TempDirectory("orch-it-resnapkill");
        var state = Path.Combine(dir.Path, "state");
        var ledger = Path.Combine(dir.Path, "reads.txt");
        var spec = TestJobs.WriteSpec(dir.Path, "resnapkill", [db.Name + ".*"], Path.Combine(dir.Path, "lake"), chunkRows: 1000, partitions: 2);
        Assert.Equal(JobExitCodes.Success, await JobRunner.RunAsync(spec, TestJobs.UntilCaughtUp(state, LogDurability.FlushToDisk), new RecordingProgress(), CancellationToken.None).WaitAsync(Bound));

        var streamStatus = new JobStateStore(new LocalFolderStateStore(Path.Combine(state, "jobs")), "resnapkill");
        using (var child = ProcessRunner.StartTestHost(typeof(SnapshotHostProgram).Assembly, "resnapshot-host", spec, state, ledger))
        {
            try
            {
                await JobDifferences.WaitForHostAsync(child, async () => await streamStatus.GetStreamStatusAsync() is { Running: true, Partitions.Count: 2 }, Bound);
                await db.Admin.ExecuteAsync("UPDATE accounts SET balance = -balance WHERE code LIKE '%7'");
                await db.Admin.ExecuteAsync("ALTER TABLE accounts DROP COLUMN id");
                await db.Admin.ExecuteAsync("UPDATE accounts SET note = 'after the ddl' WHERE code LIKE '%3'");

                // The second chunk read of the re-snapshot holds: the host is killed with one chunk read and none published,
                // as its stream status (what `serverless status` shows) says.
                await JobDifferences.WaitForHostAsync(child, () => Task.FromResult(File.Exists(ledger) && File.ReadAllLines(ledger).Length >= 2), Bound);
                await JobDifferences.WaitForHostAsync(
                    child, async () => (await streamStatus.GetStreamStatusAsync())?.Resnapshots.SingleOrDefault() is { Phase: "reading", ChunksRead: 1, Chunks: >= 4 } r && r.Table == db.Name + ".accounts", Bound);
                await db.Admin.ExecuteAsync("INSERT INTO accounts (code, balance, note) VALUES ('during', 1, NULL)");
            }
            finally
            {
                child.Kill(entireProcessTree: true);
                await child.WaitForExitAsync();
            }
        }

        var accounts = new TableLocation(new LocalFolderObjectStore(Path.Combine(dir.Path, "lake")), JobSpecFile.Load(spec).Target.Naming.LakeTableName(db.Name, "accounts"));
        Assert.Equal(1, SnapshotCompletion.MarkedEpoch((await DeltaTable.OpenAsync(accounts)).Snapshot));
        await db.Admin.ExecuteAsync("DELETE FROM accounts WHERE code BETWEEN 'a00100' AND 'a00199'");
        await db.Admin.ExecuteAsync("UPDATE accounts SET balance = 0 WHERE code = 'during'");

        var resumed = new RecordingProgress();
        var options = TestJobs.UntilCaughtUp(state, LogDurability.FlushToDisk) with { ConfigureServices = services => services.AddSingleton<IChunkReadObserver>(new ChunkReadLedger(ledger, TimeSpan.Zero)) };
        var exit = await JobRunner.RunAsync(spec, options, resumed, CancellationToken.None).WaitAsync(Bound);
        Assert.True(exit == JobExitCodes.Success, $"exit {exit}: {resumed.Last.Message}");
        Assert.Equal(JobPhase.CaughtUp, resumed.Last.Phase);
        Assert.Equal(0, await JobDifferences.CountAsync(spec, output));

        // The first chunk was read before the kill and again by the resumed re-snapshot, which read every chunk and published them together.
        var reads = ChunkReadLedger.ReadCounts(ledger);
        Assert.True(reads.Count >= 4, $"the re-snapshot read {reads.Count} chunk(s) of 5,000 rows in chunks of 1,000");
        Assert.Equal(2, reads[db.Name + ".accounts#00000"]);
        Assert.All(reads.Values, count => Assert.True(count >= 1));
        var snapshot = (await DeltaTable.OpenAsync(accounts)).Snapshot;
        Assert.Equal(2, SnapshotCompletion.MarkedEpoch(snapshot));
        Assert.Null(snapshot.Schema.FindField("id"));
    }
}
