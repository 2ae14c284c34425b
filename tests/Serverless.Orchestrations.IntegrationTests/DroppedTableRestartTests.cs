using Serverless.Delta;
using Serverless.Delta.Scanning;
using Serverless.Orchestrations.Hosting;
using Serverless.Orchestrations.StartJob;
using Serverless.Storage.Local;
using Xunit.Abstractions;

namespace Serverless.Orchestrations.IntegrationTests;

/// <summary>
/// A host started after a table was dropped at the source, with the table's last changes before the DROP still in the
/// change log: discovery no longer gives the table, so its writer opens the table from its lake table (mapped by the
/// source schema the lake records) to apply them, and lets it go at the DROP; the lake table is kept with them.
/// </summary>
public sealed class DroppedTableRestartTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task ChangesOfATableDroppedWhileTheHostWasStoppedReachItsKeptLakeTable()
    {
        await using var db = await SourceDatabase.CreateAsync("orch_it_dropped");
        await db.Admin.ExecuteAsync("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL)");
        await db.Admin.ExecuteAsync("INSERT INTO items SELECT seq, CONCAT('item ', seq) FROM seq_1_to_200");
        await db.Admin.ExecuteAsync("CREATE TABLE doomed (id INT PRIMARY KEY, note VARCHAR(40))");
        await db.Admin.ExecuteAsync("INSERT INTO doomed SELECT seq, 'before' FROM seq_1_to_50");
        using var dir = new TempDirectory("orch-it-dropped");
        var state = Path.Combine(dir.Path, "state");
        var spec = TestJobs.WriteSpec(dir.Path, "dropped", [db.Name + ".*"], Path.Combine(dir.Path, "lake"), partitions: 2);
        Assert.Equal(JobExitCodes.Success, await JobRunner.RunAsync(spec, TestJobs.UntilCaughtUp(state), new RecordingProgress(), CancellationToken.None).WaitAsync(Bound));

        // While no host runs: the table's last changes, then its DROP; capture publishes both when the host starts again.
        await db.Admin.ExecuteAsync("UPDATE doomed SET note = 'last words' WHERE id <= 10");
        await db.Admin.ExecuteAsync("DELETE FROM doomed WHERE id > 40");
        await db.Admin.ExecuteAsync("DROP TABLE doomed");
        await db.Admin.ExecuteAsync("UPDATE items SET name = 'after the drop' WHERE id = 1");

        var progress = new RecordingProgress();
        var exit = await JobRunner.RunAsync(spec, TestJobs.UntilCaughtUp(state), progress, CancellationToken.None).WaitAsync(Bound);
        Assert.True(exit == JobExitCodes.Success, $"exit {exit}: {progress.Last.Message}");
        Assert.Equal(JobPhase.CaughtUp, progress.Last.Phase);
        Assert.Equal(0, await JobDifferences.CountAsync(spec, output));

        var naming = JobSpecFile.Load(spec).Target.Naming;
        var doomed = await DeltaTable.OpenAsync(new TableLocation(new LocalFolderObjectStore(Path.Combine(dir.Path, "lake")), naming.LakeTableName(db.Name, "doomed")));
        var notes = new List<string?>();
        await foreach (var row in new DeltaScan(doomed.Snapshot).Select("note").ReadRowsAsync())
        {
            notes.Add((string?)row[0]);
        }

        Assert.Equal(40, notes.Count);
        Assert.Equal(10, notes.Count(n => n == "last words"));
    }
}
