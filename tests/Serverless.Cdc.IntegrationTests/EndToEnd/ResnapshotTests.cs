using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Cdc.Verify;
using Serverless.Cdc.Writer;
using Serverless.Cdc.Transport.Embedded;
using Serverless.Delta;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.Hosting;
using Serverless.Orchestrations.StartJob;
using Xunit.Abstractions;
using static Serverless.Cdc.IntegrationTests.EndToEnd.DuckDbLakeReader.Print;

namespace Serverless.Cdc.IntegrationTests.EndToEnd;

/// <summary>
/// Tables snapshotted again while <c>serverless run</c> streams: a table renamed into the job's patterns, a table whose DDL
/// the lake cannot follow in order (its key column dropped) under writes, and a DDL between P0 and the snapshot's
/// discovery, which the recorded discovery position absorbs without any re-snapshot. Each ends equal to the source by
/// verify and as DuckDB reads it. Waits are on conditions with a generous bound, never sleeps.
/// </summary>
public sealed class ResnapshotTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task ATableRenamedIntoTheJobMidStreamIsSnapshottedAndJoinsWithoutARestart()
    {
        await using var db = await SourceDatabase.CreateAsync("cdc_it_resnap_rename");
        await using var staging = await SourceDatabase.CreateAsync("cdc_it_resnap_staging");
        await db.Admin.ExecuteAsync("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, qty INT)");
        await db.Admin.ExecuteAsync("INSERT INTO items SELECT seq, CONCAT('item ', seq), seq FROM seq_1_to_500");
        await staging.Admin.ExecuteAsync("CREATE TABLE incoming (id INT PRIMARY KEY, code VARCHAR(20) NOT NULL, amount DECIMAL(10,2), at DATETIME(6))");
        await staging.Admin.ExecuteAsync("INSERT INTO incoming SELECT seq, CONCAT('c', seq), seq / 4, '2026-01-02 03:04:05.123456' FROM seq_1_to_2500");
        using var dir = new TempDirectory("e2e-resnap-rename");
        var spec = EndToEndJob.WriteSpec(dir.Path, "resnaprename", db.Name, Path.Combine(dir.Path, "lake"), chunkRows: 1_000);
        var job = EndToEndJob.Open(spec, Path.Combine(dir.Path, "state"));

        await using var run = await StreamingRun.StartAsync(spec, job);

        // Renamed in with 2,500 rows, then changed at once (while it is snapshotted again), beside changes of a live table.
        await db.Admin.ExecuteAsync($"RENAME TABLE `{staging.Name}`.incoming TO `{db.Name}`.orders");
        await db.Admin.ExecuteAsync("UPDATE orders SET amount = amount + 1, code = CONCAT(code, '-u') WHERE id % 10 = 0");
        await db.Admin.ExecuteAsync("DELETE FROM orders WHERE id BETWEEN 100 AND 149");
        await db.Admin.ExecuteAsync("INSERT INTO orders VALUES (5000, 'new', 1.5, NULL)");
        await db.Admin.ExecuteAsync("UPDATE items SET qty = -qty WHERE id < 20");
        await WaitUntilEqualAsync(job, run.Run);

        // Joined: later changes stream in like any table's.
        await db.Admin.ExecuteAsync("UPDATE orders SET code = 'after', at = '2027-01-01 00:00:00.000001' WHERE id = 1");
        await db.Admin.ExecuteAsync("INSERT INTO orders VALUES (5001, 'later', NULL, NULL)");
        await db.Admin.ExecuteAsync("DELETE FROM orders WHERE id = 2");
        await WaitUntilEqualAsync(job, run.Run);

        await run.StopAndVerifyAsync(job, output);
        await LakeChecks.AssertDuckDbReadsTheSourceRowsAsync(job, db.Admin, db.Name, "orders", [("id", Text), ("code", Text), ("amount", Text), ("at", Temporal)]);
        await LakeChecks.AssertDuckDbReadsTheSourceRowsAsync(job, db.Admin, db.Name, "items", [("id", Text), ("name", Text), ("qty", Text)]);

        // The lake table was created for it and published by the re-snapshot, with where it discovered the table.
        var orders = (await DeltaTable.OpenAsync(job.LakeLocation(db.Name, "orders"))).Snapshot;
        Assert.True(SnapshotCompletion.IsComplete(orders));
        Assert.NotNull(SnapshotDiscovery.Read(orders));
    }

    [Fact]
    public async Task ATableWhoseKeyColumnIsDroppedUnderWritesIsSnapshottedAgainAndEndsEqualWithoutDuplicateKeys()
    {
        await using var db = await SourceDatabase.CreateAsync("cdc_it_resnap_key");
        await db.Admin.ExecuteAsync("CREATE TABLE accounts (id INT AUTO_INCREMENT PRIMARY KEY, code VARCHAR(20) NOT NULL, balance INT NOT NULL, note VARCHAR(40), UNIQUE KEY (code))");
        await db.Admin.ExecuteAsync("INSERT INTO accounts (code, balance, note) SELECT CONCAT('a', LPAD(seq, 5, '0')), seq, IF(seq % 9 = 0, NULL, 'n') FROM seq_1_to_3000");
        using var dir = new TempDirectory("e2e-resnap-key");
        var spec = EndToEndJob.WriteSpec(dir.Path, "resnapkey", db.Name, Path.Combine(dir.Path, "lake"), chunkRows: 1_000);
        var job = EndToEndJob.Open(spec, Path.Combine(dir.Path, "state"));

        await using var run = await StreamingRun.StartAsync(spec, job);

        // Writes go on before, around and after the DDL the lake cannot follow in order (the merge key goes away).
        for (var round = 1; round <= 40; round++)
        {
            if (round == 15)
            {
                await db.Admin.ExecuteAsync("ALTER TABLE accounts DROP COLUMN id");
            }

            await WriteRoundAsync(db, round);
        }

        await WaitUntilEqualAsync(job, run.Run);
        for (var round = 41; round <= 50; round++)
        {
            await WriteRoundAsync(db, round);
        }

        await WaitUntilEqualAsync(job, run.Run);
        await run.StopAndVerifyAsync(job, output);
        await LakeChecks.AssertDuckDbReadsTheSourceRowsAsync(job, db.Admin, db.Name, "accounts", [("code", Text), ("balance", Text), ("note", Text)]);

        // Published once at epoch 2: the new schema has no id column, every old file is gone.
        var accounts = (await DeltaTable.OpenAsync(job.LakeLocation(db.Name, "accounts"))).Snapshot;
        Assert.Equal(2, SnapshotCompletion.MarkedEpoch(accounts));
        Assert.Equal(2, SnapshotCompletion.RequiredEpoch(accounts));
        Assert.Null(accounts.Schema.FindField("id"));
    }

    [Fact]
    public async Task ADdlBetweenP0AndTheDiscoveryIsSkippedWithTheRowsBeforeItAndTheTableStaysLive()
    {
        await using var db = await SourceDatabase.CreateAsync("cdc_it_resnap_window");
        await db.Admin.ExecuteAsync("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, qty INT)");
        await db.Admin.ExecuteAsync("INSERT INTO items SELECT seq, CONCAT('item ', seq), seq FROM seq_1_to_1500");
        using var dir = new TempDirectory("e2e-resnap-window");
        var spec = EndToEndJob.WriteSpec(dir.Path, "resnapwindow", db.Name, Path.Combine(dir.Path, "lake"), chunkRows: 1_000);
        var job = EndToEndJob.Open(spec, Path.Combine(dir.Path, "state"));

        // After P0 is recorded and before the tables are discovered: rows of the old schema, the DDL, rows of the new one.
        var window = new ChangesBeforeDiscovery(job, db.Name,
        [
            "UPDATE items SET qty = qty + 1000 WHERE id <= 10",
            "INSERT INTO items VALUES (2001, 'before the ddl', 1)",
            "ALTER TABLE items ADD COLUMN tag VARCHAR(10)",
            "UPDATE items SET tag = 'new' WHERE id BETWEEN 5 AND 15",
        ]);
        var options = Options(job) with { UntilCaughtUp = true, ConfigureServices = services => services.AddSingleton<IDiscoveryObserver>(window) };
        var first = new StreamProgress();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(JobExitCodes.Success, await JobRunner.RunAsync(spec, options, first, CancellationToken.None).WaitAsync(Bound));
        Assert.True(window.Ran, "the DDL did not run between P0 and the discovery");
        output.WriteLine($"snapshot and catch-up: {clock.Elapsed.TotalSeconds:0.0} s, {first.Last.Message}");

        // The table streams on: changes after the snapshot reach it.
        await db.Admin.ExecuteAsync("UPDATE items SET tag = 'after', qty = -qty WHERE id % 100 = 0");
        await db.Admin.ExecuteAsync("DELETE FROM items WHERE id BETWEEN 20 AND 29");
        await db.Admin.ExecuteAsync("INSERT INTO items VALUES (3000, 'streamed', 3, 'x')");
        var second = new StreamProgress();
        clock.Restart();
        Assert.Equal(JobExitCodes.Success, await JobRunner.RunAsync(spec, Options(job) with { UntilCaughtUp = true }, second, CancellationToken.None).WaitAsync(Bound));
        output.WriteLine($"second run: {clock.Elapsed.TotalSeconds:0.0} s, {second.Last.Message}");
        Assert.All(second.Last.Stream?.Tables ?? [], t => Assert.Null(t.StoppedBy));
        await LakeChecks.VerifyEqualAsync(job, output);
        await LakeChecks.AssertDuckDbReadsTheSourceRowsAsync(job, db.Admin, db.Name, "items", [("id", Text), ("name", Text), ("qty", Text), ("tag", Text)]);

        // The discovery position did it, not a re-snapshot: the table is at its first epoch.
        var items = (await DeltaTable.OpenAsync(job.LakeLocation(db.Name, "items"))).Snapshot;
        Assert.Equal(1, SnapshotCompletion.RequiredEpoch(items));
        Assert.NotNull(SnapshotDiscovery.Read(items));
    }

    /// <summary>Updates, an insert and a delete keyed by <c>code</c> (valid before and after the key column is dropped).</summary>
    private static async Task WriteRoundAsync(SourceDatabase db, int round)
    {
        var r = round.ToString(CultureInfo.InvariantCulture);
        await db.Admin.ExecuteAsync($"UPDATE accounts SET balance = balance + {r}, note = 'round {r}' WHERE code LIKE 'a%{round % 10}'");
        await db.Admin.ExecuteAsync($"INSERT INTO accounts (code, balance, note) VALUES ('b{r}', {r}, NULL)");
        await db.Admin.ExecuteAsync($"DELETE FROM accounts WHERE code = 'a{(round * 37).ToString("D5", CultureInfo.InvariantCulture)}'");
    }

    private static JobRunnerOptions Options(EndToEndJob job) => new()
    {
        StateFolder = job.StateFolder,
        ProgressInterval = TimeSpan.FromMilliseconds(200),
        StreamStatusWriteInterval = TimeSpan.FromMilliseconds(500),
        ChangeLogDurability = LogDurability.OperatingSystemCache,
    };

    /// <summary>Verifies the job (no rechecks) until the lake equals the source; fails after the bound or when the run ends.</summary>
    private async Task WaitUntilEqualAsync(EndToEndJob job, Task<int> run)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var verifier = new JobVerifier(job.Spec, job.Lake, new VerifyOptions { Rechecks = 0 });
            long differences = 0;
            foreach (var table in await verifier.DiscoverAsync())
            {
                try
                {
                    var result = await verifier.VerifyAsync(table);
                    differences += result.Missing + result.Extra + result.Different + result.Duplicate;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A table renamed in has no lake table until its re-snapshot creates it.
                    output.WriteLine($"{table.QualifiedName}: {e.Message}");
                    differences++;
                }
            }

            if (differences == 0)
            {
                return;
            }

            Assert.False(run.IsCompleted, $"The run ended ({(run.IsCompletedSuccessfully ? run.Result : -1)}) before the lake caught up ({differences} differences).");
            Assert.True(DateTime.UtcNow < deadline, $"The lake still differs from the source in {differences} row(s) after {Bound.TotalSeconds} s.");
            await Task.Delay(500);
        }
    }

    /// <summary>`serverless run` streaming in this process until stopped.</summary>
    private sealed class StreamingRun : IAsyncDisposable
    {
        private readonly CancellationTokenSource stop = new();

        private StreamingRun(string spec, EndToEndJob job) => Run = JobRunner.RunAsync(spec, Options(job), Progress, stop.Token);

        public StreamProgress Progress { get; } = new();

        public Task<int> Run { get; }

        /// <summary>Starts the run and returns once it streams (its snapshot is complete).</summary>
        public static async Task<StreamingRun> StartAsync(string spec, EndToEndJob job)
        {
            var run = new StreamingRun(spec, job);
            await run.Progress.Streaming.Task.WaitAsync(Bound);
            return run;
        }

        /// <summary>Stops the run (Ctrl-C) and verifies every table of the job equal to the source.</summary>
        public async Task StopAndVerifyAsync(EndToEndJob job, ITestOutputHelper output)
        {
            await stop.CancelAsync();
            Assert.Equal(JobExitCodes.Cancelled, await Run.WaitAsync(Bound));
            await LakeChecks.VerifyEqualAsync(job, output);
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            try
            {
                await Run.WaitAsync(Bound);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The test failed already; the run only has to end.
            }

            stop.Dispose();
        }
    }

    /// <summary>Runs statements once, when the discovery is about to start and P0 is recorded (the activities run side by side).</summary>
    private sealed class ChangesBeforeDiscovery(EndToEndJob job, string database, IReadOnlyList<string> statements) : IDiscoveryObserver
    {
        public bool Ran { get; private set; }

        public async ValueTask OnDiscoveringAsync(CancellationToken cancellationToken)
        {
            if (Ran)
            {
                return;
            }

            while (await job.StartPositionAsync(cancellationToken) is null)
            {
                await Task.Delay(20, cancellationToken);
            }

            await using var connection = await MySql.Client.MySqlConnection.OpenAsync(SourceDatabase.AdminOptions(database), cancellationToken: cancellationToken);
            foreach (var statement in statements)
            {
                await connection.ExecuteAsync(statement, cancellationToken);
            }

            Ran = true;
        }
    }

    /// <summary>Records reports; completes <see cref="Streaming"/> at the first report of the streaming phase.</summary>
    private sealed class StreamProgress : IProgress<JobProgress>
    {
        private readonly List<JobProgress> reports = [];

        public TaskCompletionSource Streaming { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<JobProgress> Reports
        {
            get
            {
                lock (reports)
                {
                    return reports.ToList();
                }
            }
        }

        public JobProgress Last
        {
            get
            {
                lock (reports)
                {
                    return reports[^1];
                }
            }
        }

        public void Report(JobProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }

            if (value.Phase == JobPhase.Streaming)
            {
                Streaming.TrySetResult();
            }
        }
    }
}
