using System.Diagnostics;
using System.Globalization;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Transport.Embedded;
using Serverless.Cdc.Verify;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.Hosting;
using Serverless.Orchestrations.Jobs;
using Serverless.Orchestrations.StartJob;
using Serverless.Storage.Local;
using Serverless.Storage.State;
using Serverless.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Serverless.Orchestrations.IntegrationTests;

/// <summary>
/// `serverless run` after the snapshot: changes stream into the lake through the capture and writer supervisors, a
/// stopped run resumes without loss or duplicate, status shows the stream of a stopped job, and changes made while
/// the snapshot reads arrive exactly once. Every wait is on a condition with a generous bound, never a sleep.
/// </summary>
public sealed class StreamingJobTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task ChangesAfterTheSnapshotStreamIntoTheLakeAndAStoppedRunResumesWithoutLossOrDuplicate()
    {
        await using var db = await ItemsDatabaseAsync("orch_it_stream", 300);
        await CreateTagsAsync(db, "('red', 1), ('green', 2), ('blue', 3)");
        using var dir = new TempDirectory("orch-it-stream");
        var lake = Path.Combine(dir.Path, "lake");
        var state = Path.Combine(dir.Path, "state");
        var spec = TestJobs.WriteSpec(dir.Path, "stream", [db.Name + ".*"], lake, partitions: 2);

        // First run: streams until stopped. Its segments are short, so the supervisors continue as new several times.
        var progress = new StreamingProgress();
        using var ctrlC = new CancellationTokenSource();
        var run = JobRunner.RunAsync(spec, Options(state) with { StreamSegmentLength = TimeSpan.FromSeconds(3), CompactionInterval = TimeSpan.FromSeconds(1) }, progress, ctrlC.Token);
        await progress.Streaming.Task.WaitAsync(Bound);

        await db.Admin.ExecuteAsync("UPDATE items SET name = CONCAT(name, ' updated'), amount = amount + 1 WHERE id % 7 = 0");
        await db.Admin.ExecuteAsync("DELETE FROM items WHERE id BETWEEN 10 AND 19");
        await InsertItemsAsync(db, 301, 350);
        await db.Admin.ExecuteAsync("DELETE FROM items WHERE id = 300");
        await db.Admin.ExecuteAsync("INSERT INTO items VALUES (300, 'back again', NULL, NULL)");
        await db.Admin.ExecuteAsync("UPDATE tags SET uses = uses + 10 WHERE tag = 'red'");
        await db.Admin.ExecuteAsync("DELETE FROM tags WHERE tag = 'green'");
        await db.Admin.ExecuteAsync("INSERT INTO tags VALUES ('black', 0)");
        await WaitUntilEqualAsync(spec, run);

        // Compaction runs beside the writers (a round a second here) and the lake stays equal to the source.
        await progress.Compacted.Task.WaitAsync(Bound);
        Assert.Equal(0, await DifferencesAsync(spec));

        await ctrlC.CancelAsync();
        Assert.Equal(JobExitCodes.Cancelled, await run.WaitAsync(Bound));
        Assert.Equal(JobPhase.Cancelled, progress.Last.Phase);
        Assert.Contains(progress.Reports, r => r.Phase == JobPhase.Streaming && r.Stream is not null);

        // Status of the stopped job shows the stream as the run left it.
        var status = await JobRunner.GetStatusAsync(spec, state, CancellationToken.None);
        Assert.NotNull(status?.Stream);
        var stream = status.Stream;
        Assert.False(stream.Running);
        Assert.NotNull(stream.Capture);
        Assert.True(stream.Capture.ChangesPublished >= 8, $"capture published {stream.Capture.ChangesPublished}");
        Assert.Equal(2, stream.Partitions.Count);
        var items = Assert.Single(stream.Tables, t => t.Table == db.Name + ".items");
        Assert.True(items.ChangesApplied >= 50 + 10 + 2, $"items applied {items.ChangesApplied}");
        Assert.NotNull(items.LagP99);
        Assert.Null(status.StreamFailure);

        // Changes while stopped arrive in the next run, which catches up and stops by itself.
        await db.Admin.ExecuteAsync("UPDATE items SET amount = 0 WHERE id < 50");
        await db.Admin.ExecuteAsync("DELETE FROM items WHERE id > 340");
        await db.Admin.ExecuteAsync("INSERT INTO tags VALUES ('white', 9)");
        var again = new StreamingProgress();
        var exit = await JobRunner.RunAsync(spec, Options(state) with { UntilCaughtUp = true }, again, CancellationToken.None).WaitAsync(Bound);
        Assert.True(exit == JobExitCodes.Success, $"exit {exit}: {again.Last.Message}");
        Assert.Equal(JobPhase.CaughtUp, again.Last.Phase);
        Assert.Contains("resuming streaming", again.Reports[1].Message, StringComparison.Ordinal);
        await AssertEqualAsync(spec);
    }

    [Fact]
    public async Task ChangesMadeWhileTheSnapshotReadsArriveExactlyOnce()
    {
        await using var db = await ItemsDatabaseAsync("orch_it_streamsnap", 3000);
        using var dir = new TempDirectory("orch-it-streamsnap");
        var lake = Path.Combine(dir.Path, "lake");
        var state = Path.Combine(dir.Path, "state");

        // One chunk read at a time, 1,000 rows each: the second read waits at its start until the test has changed rows
        // in all three chunks, so the first chunk (read before) gets them only from the stream, the others from both.
        var spec = TestJobs.WriteSpec(dir.Path, "streamsnap", [db.Name + ".*"], lake, parallelism: 1, chunkRows: 1000, partitions: 1);
        var gate = new SecondReadGate();
        var options = Options(state) with { UntilCaughtUp = true, ConfigureServices = services => services.AddSingleton<IChunkReadObserver>(gate) };
        var progress = new StreamingProgress();
        var run = JobRunner.RunAsync(spec, options, progress, CancellationToken.None);
        await gate.Waiting.Task.WaitAsync(Bound);

        await db.Admin.ExecuteAsync("UPDATE items SET name = 'changed during snapshot', amount = amount * 2 WHERE id % 100 = 1");
        await db.Admin.ExecuteAsync("DELETE FROM items WHERE id IN (5, 1005, 2005)");
        await db.Admin.ExecuteAsync("INSERT INTO items VALUES (3001, 'new during snapshot', 1, NULL), (5, 'five again', 5, NULL)");
        await db.Admin.ExecuteAsync("UPDATE items SET id = 4000 WHERE id = 2500");
        gate.Release();

        var exit = await run.WaitAsync(Bound);
        Assert.True(exit == JobExitCodes.Success, $"exit {exit}: {progress.Last.Message}");
        Assert.Equal(JobPhase.CaughtUp, progress.Last.Phase);
        await AssertEqualAsync(spec);
    }

    [Fact]
    public async Task ATableGoesLiveWhenItsOwnSnapshotIsCommittedWhileAnotherTableIsStillBeingRead()
    {
        await using var db = await ItemsDatabaseAsync("orch_it_streamlive", 3000);
        await CreateTagsAsync(db, "('red', 1), ('green', 2), ('blue', 3)");
        using var dir = new TempDirectory("orch-it-streamlive");
        var state = Path.Combine(dir.Path, "state");

        // Every read of items waits at its start, so the job's snapshot cannot end; tags (one chunk) completes beside it.
        // Items has two chunks and three reads may run, so a read slot stays free for tags whatever order they plan in.
        var spec = TestJobs.WriteSpec(dir.Path, "streamlive", [db.Name + ".*"], Path.Combine(dir.Path, "lake"), parallelism: 3, chunkRows: 1500, partitions: 2);
        var gate = new TableReadGate("items");
        var options = Options(state) with { UntilCaughtUp = true, ConfigureServices = services => services.AddSingleton<IChunkReadObserver>(gate) };
        var progress = new StreamingProgress();
        var run = JobRunner.RunAsync(spec, options, progress, CancellationToken.None);
        await gate.Waiting.Task.WaitAsync(Bound);
        await WaitForAsync(() => Task.FromResult(progress.Last.Tables.Any(t => t.SourceTable == db.Name + ".tags" && t.Complete)), run, "the snapshot of tags to complete");

        // A change of tags after its snapshot reaches the lake while items is still held at its first chunk: tags is live
        // on its own, before the job's snapshot ends.
        await db.Admin.ExecuteAsync("UPDATE tags SET uses = uses + 100 WHERE tag = 'red'");
        await db.Admin.ExecuteAsync("INSERT INTO tags VALUES ('black', 0)");
        await WaitForAsync(async () => await DifferencesAsync(spec, db.Name + ".tags") == 0, run, "tags to go live while items was still being read");

        Assert.NotEqual(JobPhase.Completed, progress.Last.Phase);
        await db.Admin.ExecuteAsync("UPDATE items SET amount = 7 WHERE id % 500 = 0");
        gate.Release();
        var exit = await run.WaitAsync(Bound);
        Assert.True(exit == JobExitCodes.Success, $"exit {exit}: {progress.Last.Message}");
        await AssertEqualAsync(spec);
    }

    [Fact]
    public async Task ATableDroppedAtTheSourceWhileItsRowsAreStillInTheLogDoesNotStopItsPartitionsWriter()
    {
        await using var db = await ItemsDatabaseAsync("orch_it_streamdrop", 100);
        await CreateTagsAsync(db, "('red', 1)");
        using var dir = new TempDirectory("orch-it-streamdrop");
        var state = Path.Combine(dir.Path, "state");

        // One partition: items has no change after its snapshot, so every new segment of its writer reads the partition
        // again from the start, through rows of tags, a table that discovery no longer finds once it is dropped.
        var spec = TestJobs.WriteSpec(dir.Path, "streamdrop", [db.Name + ".*"], Path.Combine(dir.Path, "lake"), partitions: 1);
        Assert.Equal(JobExitCodes.Success, await JobRunner.RunAsync(spec, Options(state) with { SnapshotOnly = true }, new RecordingProgress(), CancellationToken.None).WaitAsync(Bound));
        await db.Admin.ExecuteAsync("INSERT INTO tags VALUES ('green', 2), ('blue', 3)");
        await db.Admin.ExecuteAsync("UPDATE tags SET uses = 10 WHERE tag = 'red'");
        await db.Admin.ExecuteAsync("DROP TABLE tags");
        await db.Admin.ExecuteAsync("UPDATE items SET amount = 1 WHERE id = 7");

        var first = new StreamingProgress();
        var exit = await JobRunner.RunAsync(spec, Options(state) with { UntilCaughtUp = true }, first, CancellationToken.None).WaitAsync(Bound);
        Assert.True(exit == JobExitCodes.Success, $"exit {exit}: {first.Last.Message}");

        // A run after the drop rediscovers the job without tags; its writer meets tags' rows again and must get past them.
        await db.Admin.ExecuteAsync("UPDATE items SET amount = 2 WHERE id = 8");
        var again = new StreamingProgress();
        exit = await JobRunner.RunAsync(spec, Options(state) with { UntilCaughtUp = true }, again, CancellationToken.None).WaitAsync(Bound);
        Assert.True(exit == JobExitCodes.Success, $"exit {exit}: {again.Last.Message}");
        Assert.Equal(JobPhase.CaughtUp, again.Last.Phase);
        await AssertEqualAsync(spec);
    }

    [Fact]
    public async Task AStreamingHostKilledWhileChangesFlowResumesToExactlyTheSourceRows()
    {
        await using var db = await ItemsDatabaseAsync("orch_it_streamkill", 500);
        await db.Admin.ExecuteAsync("CREATE TABLE events (id BIGINT PRIMARY KEY, item INT NOT NULL, note VARCHAR(40))");
        using var dir = new TempDirectory("orch-it-streamkill");
        var state = Path.Combine(dir.Path, "state");
        var spec = TestJobs.WriteSpec(dir.Path, "streamkill", [db.Name + ".*"], Path.Combine(dir.Path, "lake"), partitions: 2);
        var streamStatus = new JobStateStore(new LocalFolderStateStore(Path.Combine(state, "jobs")), "streamkill");

        using (var child = ProcessRunner.StartTestHost(typeof(SnapshotHostProgram).Assembly, "stream-host", spec, state))
        {
            try
            {
                // Changes flow while the host streams; it is SIGKILLed once writers have committed some of them, with
                // more in the log and in flight, then more changes are made while it is down.
                await WaitForStreamAsync(streamStatus, child, s => s.Partitions.Count == 2);
                for (var round = 1; round <= 15; round++)
                {
                    await ChangeRoundAsync(db, round);
                }

                await WaitForStreamAsync(streamStatus, child, s => s.Partitions.Sum(p => p.Commits) > 0);
                await ChangeRoundAsync(db, 16);
            }
            finally
            {
                child.Kill(entireProcessTree: true);
                await child.WaitForExitAsync();
            }
        }

        for (var round = 17; round <= 30; round++)
        {
            await ChangeRoundAsync(db, round);
        }

        var progress = new StreamingProgress();
        var exit = await JobRunner.RunAsync(spec, Options(state) with { UntilCaughtUp = true, ChangeLogDurability = LogDurability.FlushToDisk }, progress, CancellationToken.None).WaitAsync(Bound);
        Assert.True(exit == JobExitCodes.Success, $"exit {exit}: {progress.Last.Message}");
        Assert.Equal(JobPhase.CaughtUp, progress.Last.Phase);
        await AssertEqualAsync(spec);
    }

    [Fact]
    public async Task APartitionCountChangedAfterTheChangeLogExistsIsASpecProblemNamingBothCountsAndTheFix()
    {
        await using var db = await ItemsDatabaseAsync("orch_it_streamparts", 100);
        using var dir = new TempDirectory("orch-it-streamparts");
        var state = Path.Combine(dir.Path, "state");
        var lake = Path.Combine(dir.Path, "lake");
        var spec = TestJobs.WriteSpec(dir.Path, "streamparts", [db.Name + ".*"], lake, partitions: 1);
        Assert.Equal(JobExitCodes.Success, await JobRunner.RunAsync(spec, Options(state) with { UntilCaughtUp = true }, new RecordingProgress(), CancellationToken.None).WaitAsync(Bound));

        TestJobs.WriteSpec(dir.Path, "streamparts", [db.Name + ".*"], lake, partitions: 3);
        var progress = new RecordingProgress();
        var exit = await JobRunner.RunAsync(spec, Options(state) with { UntilCaughtUp = true }, progress, CancellationToken.None).WaitAsync(Bound);

        // A spec problem, found before anything starts: the field, both counts and the fix.
        Assert.Equal(JobExitCodes.InvalidSpec, exit);
        Assert.Equal(JobPhase.InvalidSpec, progress.Last.Phase);
        var problem = Assert.Single(progress.Last.Problems);
        Assert.StartsWith("$.stream.partitions", problem, StringComparison.Ordinal);
        Assert.Contains("asks for 3 change-log partition(s)", problem, StringComparison.Ordinal);
        Assert.Contains("was created with 1 partitions, not 3", problem, StringComparison.Ordinal);
        Assert.Contains("set stream.partitions back", problem, StringComparison.Ordinal);

        // The snapshot alone does not need the change log.
        Assert.Equal(JobExitCodes.Success, await JobRunner.RunAsync(spec, Options(state) with { SnapshotOnly = true }, new RecordingProgress(), CancellationToken.None).WaitAsync(Bound));
    }

    /// <summary>One transaction of an insert, updates and a delete in two tables (the same keys again in later rounds).</summary>
    private static async Task ChangeRoundAsync(SourceDatabase db, int round)
    {
        var r = round.ToString(CultureInfo.InvariantCulture);
        string[] statements =
        [
            "START TRANSACTION",
            $"INSERT INTO events VALUES ({r}, {r}, 'round {r}')",
            $"UPDATE items SET amount = amount + {r}, name = 'round {r}' WHERE id % 30 = {round % 30}",
            $"DELETE FROM items WHERE id = {500 - round}",
            $"INSERT INTO items VALUES ({1000 + round}, 'added in round {r}', {r}, NULL)",
            $"UPDATE events SET note = 'seen in round {r}' WHERE id = {Math.Max(1, round - 3)}",
            "COMMIT",
        ];
        foreach (var statement in statements)
        {
            await db.Admin.ExecuteAsync(statement);
        }
    }

    private static Task WaitForStreamAsync(JobStateStore state, Process child, Func<Orchestrations.Streaming.StreamStatus, bool> condition) =>
        JobDifferences.WaitForHostAsync(child, async () => await state.GetStreamStatusAsync() is { } status && condition(status), Bound);

    private static JobRunnerOptions Options(string state) => new()
    {
        StateFolder = state,
        ProgressInterval = TimeSpan.FromMilliseconds(200),
        StreamStatusWriteInterval = TimeSpan.FromMilliseconds(500),
        ChangeLogDurability = LogDurability.OperatingSystemCache,
    };

    /// <summary>A fresh database with <c>items (id, name, amount, updated)</c> holding ids 1 to <paramref name="rows"/>.</summary>
    private static async Task<SourceDatabase> ItemsDatabaseAsync(string name, int rows)
    {
        var db = await SourceDatabase.CreateAsync(name);
        await db.Admin.ExecuteAsync("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, amount DECIMAL(10,2), updated DATETIME(6))");
        await InsertItemsAsync(db, 1, rows);
        return db;
    }

    private static async Task InsertItemsAsync(SourceDatabase db, int from, int to)
    {
        var rows = Enumerable.Range(from, to - from + 1).Select(i => string.Create(CultureInfo.InvariantCulture, $"({i}, 'item {i}', {i}.25, '2026-01-02 03:04:05.{i % 1000000:000000}')"));
        await db.Admin.ExecuteAsync("INSERT INTO items VALUES " + string.Join(", ", rows));
    }

    private static async Task CreateTagsAsync(SourceDatabase db, string rows)
    {
        await db.Admin.ExecuteAsync("CREATE TABLE tags (tag VARCHAR(20) PRIMARY KEY, uses INT NOT NULL)");
        await db.Admin.ExecuteAsync("INSERT INTO tags VALUES " + rows);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails after the bound or when the run ends first.</summary>
    private static async Task WaitForAsync(Func<Task<bool>> condition, Task<int> run, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!await condition())
        {
            Assert.False(run.IsCompleted, $"The run ended before {what}.");
            Assert.True(DateTime.UtcNow < deadline, $"Waited {Bound.TotalSeconds} s in vain for {what}.");
            await Task.Delay(100);
        }
    }

    /// <summary>Verifies the job once (no rechecks) until the lake equals the source; fails after the bound or when the run ends.</summary>
    private async Task WaitUntilEqualAsync(string spec, Task<int> run)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var differences = await DifferencesAsync(spec);
            if (differences == 0)
            {
                return;
            }

            Assert.False(run.IsCompleted, $"The run ended ({(run.IsCompletedSuccessfully ? run.Result : -1)}) before the lake caught up ({differences} differences).");
            Assert.True(DateTime.UtcNow < deadline, $"The lake still differs from the source in {differences} row(s) after {Bound.TotalSeconds} s.");
            await Task.Delay(500);
        }
    }

    private async Task AssertEqualAsync(string spec) => Assert.Equal(0, await DifferencesAsync(spec));

    private Task<long> DifferencesAsync(string specPath, string? onlyTable = null) => JobDifferences.CountAsync(specPath, output, onlyTable);

    /// <summary>Records reports; completes <see cref="Streaming"/> at the first report of the streaming phase.</summary>
    private sealed class StreamingProgress : IProgress<JobProgress>
    {
        private readonly RecordingProgress inner = new();

        public TaskCompletionSource Streaming { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completed at the first report after a compaction round ended.</summary>
        public TaskCompletionSource Compacted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<JobProgress> Reports => inner.Reports;

        public JobProgress Last => inner.Last;

        public void Report(JobProgress value)
        {
            inner.Report(value);
            if (value.Phase == JobPhase.Streaming)
            {
                Streaming.TrySetResult();
            }

            if (value.Stream is { CompactionRounds: > 0 })
            {
                Compacted.TrySetResult();
            }
        }
    }

    /// <summary>Holds every chunk read of one table at its start until <see cref="Release"/>.</summary>
    private sealed class TableReadGate(string table) : IChunkReadObserver
    {
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Waiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => released.TrySetResult();

        public async ValueTask OnChunkReadStartingAsync(ReadChunkInput chunk, CancellationToken cancellationToken)
        {
            if (chunk.Table.Name == table)
            {
                Waiting.TrySetResult();
                await released.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Holds the second chunk read at its start until <see cref="Release"/>.</summary>
    private sealed class SecondReadGate : IChunkReadObserver
    {
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int reads;

        public TaskCompletionSource Waiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => released.TrySetResult();

        public async ValueTask OnChunkReadStartingAsync(ReadChunkInput chunk, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref reads) == 2)
            {
                Waiting.TrySetResult();
                await released.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
