using System.Diagnostics;
using System.Globalization;
using Serverless.Cdc.Capture;
using Serverless.Cdc.IntegrationTests.Capture;
using Serverless.Cdc.Transport.Embedded;
using Serverless.Cdc.Writer;
using Serverless.Delta;
using Serverless.Delta.Scanning;
using Microsoft.Extensions.DependencyInjection;
using Serverless.MySql.Client;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.Hosting;
using Xunit.Abstractions;

namespace Serverless.Cdc.IntegrationTests.EndToEnd;

/// <summary>
/// The end-to-end proof: a seeded workload writes while StartJob snapshots the job and goes on after it; capture, two
/// partition writers and a compactor (rewriting the live tables' files beside the writers all the time) run as child
/// processes and are SIGKILLed at seeded points, each restarted at once; when the workload
/// stops and the pipeline drains, verify finds the lake equal to the source with no duplicate key, and DuckDB reads the
/// same rows from the Parquet files with the deletion vectors applied.
/// <para>
/// Replay a failure with <c>SERVERLESS_E2E_SEED=N</c> (the seed is printed); <c>SERVERLESS_E2E_DDL=0</c> leaves out the DDL
/// mid-stream (an ADD COLUMN the writers evolve into the lake while they are being killed).
/// </para>
/// </summary>
public sealed class PipelineKillTests(ITestOutputHelper output)
{
    private const int Partitions = 2;
    private const int MinimumKills = 32; // 8 per role: capture and the writers at least 24 times, as the issue asks 20
    private const int TransactionsAfterSnapshot = 150;

    [Fact]
    public async Task CaptureAndWritersKilledAtRandomDuringAndAfterTheSnapshotEndEqualToTheSourceWithNoDuplicateKeys()
    {
        var seed = Environment.GetEnvironmentVariable("SERVERLESS_E2E_SEED") is { Length: > 0 } s ? int.Parse(s, CultureInfo.InvariantCulture) : 20261206;
        var ddl = Environment.GetEnvironmentVariable("SERVERLESS_E2E_DDL") != "0";
        var writeMode = Environment.GetEnvironmentVariable("SERVERLESS_E2E_WRITE_MODE") is { Length: > 0 } mode ? mode : "merge-on-read";
        output.WriteLine($"seed {seed} (replay with SERVERLESS_E2E_SEED={seed}), DDL {(ddl ? "on" : "off")}, {writeMode}");
        var clock = Stopwatch.StartNew();

        await using var db = await SourceDatabase.CreateAsync("cdc_it_e2e_kill");
        await Workload.CreateTablesAsync(db.Admin);
        await using var connection = await MySqlConnection.OpenAsync(SourceDatabase.AdminOptions(db.Name));
        await connection.ExecuteAsync("SET NAMES utf8mb4");
        var workload = new Workload(connection, new WorkloadOptions { Seed = seed, Ddl = ddl });
        await workload.LoadAsync();

        using var dir = new TempDirectory("e2e-kill");
        var lake = Path.Combine(dir.Path, "lake");
        var state = Path.Combine(dir.Path, "state");
        var logDirectory = Path.Combine(dir.Path, "log");
        var spec = EndToEndJob.WriteSpec(
            dir.Path, "e2ekill", db.Name, lake, new Dictionary<string, string[]> { [db.Name + ".nopk"] = [Workload.NoPrimaryKeyColumn] }, parallelism: 2, chunkRows: 3_000, writeMode: writeMode);
        var job = EndToEndJob.Open(spec, state);
        var log = EmbeddedChangeLog.OpenOrCreate(logDirectory, Partitions, new EmbeddedChangeLogOptions { Durability = LogDurability.OperatingSystemCache });
        var settingsFile = Path.Combine(dir.Path, "pipeline.json");
        PipelineHostProgram.WriteSettings(settingsFile, new PipelineHostSettings(
            spec, state, logDirectory, Path.Combine(dir.Path, "signals"), CaptureRig.NewServerId(),
            new Dictionary<string, int> { [db.Name + ".hot"] = 2 }, // the hot table spread over both partitions: two writers commit to it
            new WriterOptions
            {
                ReadBatchSize = 256,
                Commit = new CommitPolicy { MaxBufferedChanges = 2_000, MaxBufferAge = TimeSpan.FromMilliseconds(50) },
                SnapshotPollInterval = TimeSpan.FromMilliseconds(200),
                IdleCheckpointSequences = 2_000,
            }));

        // The largest transaction waits before its COMMIT until the kill loop is ready to kill capture while it streams it.
        var largestWaiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var largestGo = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        workload.BeforeLargestCommit = async () =>
        {
            largestWaiting.TrySetResult();
            await largestGo.Task;
        };

        using var processes = new PipelineProcesses(settingsFile, Partitions);
        processes.StartAll();
        using var stopWorkload = new CancellationTokenSource();
        var writes = Task.Run(() => workload.RunAsync(minimum: 0, pause: TimeSpan.FromMilliseconds(5), stopWorkload.Token));
        using var snapshotTimeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var pacing = new KillPacedChunkReads(killsDuringSnapshot: 8, chunksPerKill: 2);
        var runner = new JobRunnerOptions { StateFolder = state, SnapshotOnly = true, ConfigureServices = services => services.AddSingleton<IChunkReadObserver>(pacing) };
        var snapshot = Task.Run(() => JobRunner.RunAsync(spec, runner, null, snapshotTimeout.Token));

        // Kill rounds: a seeded victim order (each role once per round of roles) and a seeded number of transactions the
        // workload commits between the victim's start and its kill.
        bool LargestWaiting() => largestWaiting.Task.IsCompleted && !largestGo.Task.IsCompleted;
        var random = new Random(seed);
        var kills = processes.Roles.ToDictionary(r => r, _ => 0, StringComparer.Ordinal);
        var extraKills = 0; // the kill inside the largest transaction, beside the rounds
        var victims = new Queue<string>();
        long snapshotDoneAt = -1;
        try
        {
            while (kills.Values.Sum() < MinimumKills || snapshotDoneAt < 0 || workload.Transactions < snapshotDoneAt + TransactionsAfterSnapshot)
            {
                if (victims.Count == 0)
                {
                    foreach (var role in processes.Roles.OrderBy(_ => random.Next()))
                    {
                        victims.Enqueue(role);
                    }
                }

                var victim = victims.Dequeue();
                var transactions = random.Next(5, 60);
                await processes.WaitReadyAsync(victim);
                var target = workload.Transactions + transactions;
                while (true)
                {
                    await processes.WaitAsync(
                        () => Task.FromResult(workload.Transactions >= target || writes.IsCompleted || LargestWaiting()), $"{transactions} more workload transactions before killing {victim}");
                    if (!LargestWaiting())
                    {
                        break;
                    }

                    // One more capture kill, by event count: 30,000 of the largest transaction's rows in the log after its COMMIT.
                    await processes.WaitReadyAsync("capture");
                    var before = await TotalChangesAsync(log);
                    largestGo.SetResult();
                    await processes.WaitAsync(async () => await TotalChangesAsync(log) >= before + 30_000, "capture to publish 30,000 rows of the largest transaction");
                    await processes.KillAsync("capture");
                    extraKills++;
                    pacing.Killed();
                    processes.Start("capture");
                    output.WriteLine($"killed capture inside the largest transaction at {clock.Elapsed.TotalSeconds:F1} s");
                }

                ThrowIfFaulted(writes, "The workload");
                await processes.KillAsync(victim);
                kills[victim]++;
                pacing.Killed();
                processes.Start(victim);
                if (snapshotDoneAt < 0 && snapshot.IsCompleted)
                {
                    Assert.True(await snapshot == JobExitCodes.Success, $"StartJob ended with exit code {await snapshot}");
                    Assert.True(pacing.Kills >= pacing.KillsDuringSnapshot, $"Only {pacing.Kills} kills happened during the snapshot.");
                    snapshotDoneAt = workload.Transactions;
                    workload.ScheduleDdl(snapshotDoneAt + random.Next(10, 60));
                    output.WriteLine($"snapshot complete at {clock.Elapsed.TotalSeconds:F1} s, after {snapshotDoneAt} workload transactions and {pacing.Kills} kills");
                }
            }

            Assert.True(largestGo.Task.IsCompleted, "The largest transaction never ran while capture could be killed in it.");
            await stopWorkload.CancelAsync();
            await writes;
        }
        finally
        {
            // However the run ends, no StartJob run or workload is left behind writing into a dropped database or a deleted folder.
            largestGo.TrySetResult();
            await stopWorkload.CancelAsync();
            await snapshotTimeout.CancelAsync();
            await Task.WhenAll(writes, snapshot).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }

        await workload.WriteMarkerAsync("drained " + seed.ToString(CultureInfo.InvariantCulture));
        output.WriteLine(
            $"workload: {workload.Transactions} transactions, {workload.RowsChanged} rows changed, largest transaction {workload.LargestTransaction} rows, {workload.DdlStatements} DDL; " +
            $"kills {string.Join(", ", kills.Select(k => $"{k.Key} {k.Value}"))} and capture once more inside the largest transaction ({pacing.Kills} in all) at {clock.Elapsed.TotalSeconds:F1} s");

        Assert.Equal(ddl ? 1 : 0, workload.DdlStatements);

        // Drained: the marker (the workload's last change) is in the lake, so capture has published everything before it,
        // and every writer has committed everything its partition holds.
        var marker = new Schema.SourceTable { Database = db.Name, Name = "marker", Columns = [] };
        await processes.WaitAsync(async () => await MarkerInLakeAsync(job, marker) && await processes.WritersCaughtUpAsync(log), "the pipeline to drain (marker in the lake, writers at the end of their partitions)");
        processes.Dispose();
        output.WriteLine($"drained at {clock.Elapsed.TotalSeconds:F1} s");

        var checkpoint = await new CaptureCheckpointStore(job.State, job.Spec.Name).ReadAsync();
        var (published, distinct) = CountChanges(log);
        output.WriteLine(
            $"change log: {published} changes over {Partitions} partitions, {published - distinct} of them published again after a capture kill; " +
            $"capture checkpoint epoch {checkpoint?.Epoch}, {checkpoint?.ChangesPublished} changes counted by the checkpoints");
        Assert.Equal(processes.Starts["capture"], checkpoint?.Epoch); // every capture run took the job over
        Assert.Equal(1, extraKills);
        Assert.True(kills.Values.Sum() >= MinimumKills);
        Assert.All(kills, k => Assert.True(k.Value >= MinimumKills / processes.Roles.Count, $"{k.Key} was killed {k.Value} times"));
        output.WriteLine($"the compactor rewrote {processes.FilesCompacted} files beside the writers");
        Assert.True(processes.FilesCompacted > 0, "The compactor never rewrote a file, so it never raced the writers.");

        await LakeChecks.VerifyEqualAsync(job, output);
        foreach (var (table, columns) in Workload.Columns)
        {
            await LakeChecks.AssertDuckDbReadsTheSourceRowsAsync(job, db.Admin, db.Name, table, columns);
        }

        output.WriteLine($"verified at {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static async Task<long> TotalChangesAsync(EmbeddedChangeLog log)
    {
        long total = 0;
        for (var p = 0; p < log.PartitionCount; p++)
        {
            total += (await log.GetPartitionPropertiesAsync(p)).LastSequenceNumber + 1;
        }

        return total;
    }

    /// <summary>Changes in the log, and distinct ones (by table, position and kind: a re-published change repeats all three).</summary>
    private static (long Total, long Distinct) CountChanges(EmbeddedChangeLog log)
    {
        long total = 0;
        var distinct = new HashSet<(string, string, ChangeKind)>();
        for (var p = 0; p < log.PartitionCount; p++)
        {
            using var reader = log.OpenReader(p, 0);
            while (reader.TryRead(10_000) is { Count: > 0 } batch)
            {
                foreach (var received in batch)
                {
                    total++;
                    distinct.Add((received.Change.QualifiedTable, received.Change.Position.ToString(), received.Change.Kind));
                }
            }
        }

        return (total, distinct.Count);
    }

    private static async Task<bool> MarkerInLakeAsync(EndToEndJob job, Schema.SourceTable marker)
    {
        if (await job.TryOpenLakeTableAsync(marker) is not { } table)
        {
            return false;
        }

        await foreach (var row in new DeltaScan(table.Snapshot).Select("note").ReadRowsAsync())
        {
            if (row[0] is string note && note.StartsWith("drained ", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static void ThrowIfFaulted(Task task, string what)
    {
        if (task.IsFaulted)
        {
            throw new InvalidOperationException($"{what} failed.", task.Exception);
        }
    }
}
