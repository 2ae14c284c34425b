using Microsoft.Extensions.DependencyInjection;
using Serverless.Delta;
using Serverless.Delta.Scanning;
using Serverless.MySql.Client;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.Hosting;
using Serverless.Orchestrations.StartJob;
using Serverless.Storage.Local;

namespace Serverless.Orchestrations.IntegrationTests;

public sealed class NotNullGuardTests
{
    [Fact]
    public async Task SourceRelaxedAfterMigrationFailsTheReadOnceNamingTheKeyAndTheNextRunRelaxesTheLakeColumn()
    {
        await using var db = await SourceDatabase.CreateAsync("orch_it_notnull");
        await db.Admin.ExecuteAsync("CREATE TABLE items (id INT PRIMARY KEY, qty INT NOT NULL)");
        await db.Admin.ExecuteAsync("INSERT INTO items SELECT seq, seq FROM seq_1_to_100");
        using var dir = new TempDirectory("orch-it-notnull");
        var lake = Path.Combine(dir.Path, "lake");
        var spec = TestJobs.WriteSpec(dir.Path, "notnull", [db.Name + ".items"], lake);
        var state = Path.Combine(dir.Path, "state");
        var relaxer = new RelaxOnFirstRead(db.Admin);
        var options = TestJobs.RunnerOptions(state, Path.Combine(dir.Path, "ledger.txt"), TimeSpan.Zero) with
        {
            ConfigureServices = services => services.AddSingleton<IChunkReadObserver>(relaxer),
        };
        var progress = new RecordingProgress();

        var exit = await JobRunner.RunAsync(spec, options, progress, CancellationToken.None);

        Assert.Equal(JobExitCodes.Failed, exit);
        Assert.Contains($"Table {db.Name}.items, column 'qty'", progress.Last.Message, StringComparison.Ordinal);
        Assert.Contains("the row with key id='7'", progress.Last.Message, StringComparison.Ordinal);
        Assert.Equal(1, relaxer.Reads);

        // The failed run starts over: migration relaxes qty, and the null row arrives.
        Assert.Equal(JobExitCodes.Success, await JobRunner.RunAsync(spec, options, new RecordingProgress(), CancellationToken.None));
        var table = await DeltaTable.OpenAsync(new TableLocation(new LocalFolderObjectStore(lake), db.Name + "_items"));
        Assert.True(table.Snapshot.Schema.FindField("qty")!.Nullable);
        Assert.False(table.Snapshot.Schema.FindField("id")!.Nullable);
        var nulls = new List<int>();
        await foreach (var row in new DeltaScan(table.Snapshot).Select("id", "qty").ReadRowsAsync())
        {
            if (row[1] is null)
            {
                nulls.Add((int)row[0]!);
            }
        }

        Assert.Equal([7], nulls);
    }

    /// <summary>Before the first chunk is read (the lake table already migrated with qty NOT NULL), the source relaxes qty and nulls one row.</summary>
    private sealed class RelaxOnFirstRead(MySqlConnection admin) : IChunkReadObserver
    {
        private int reads;

        public int Reads => reads;

        public async ValueTask OnChunkReadStartingAsync(ReadChunkInput chunk, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref reads) == 1)
            {
                await admin.ExecuteAsync("ALTER TABLE items MODIFY qty INT NULL", cancellationToken).ConfigureAwait(false);
                await admin.ExecuteAsync("UPDATE items SET qty = NULL WHERE id = 7", cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
