using System.Diagnostics;
using System.Globalization;
using Serverless.Cdc.Capture;
using Serverless.Cdc.IntegrationTests.Transport;
using Serverless.MySql.Replication;

namespace Serverless.Cdc.IntegrationTests.Capture;

/// <summary>Capture in a child process: killed with SIGKILL mid-stream and restarted, and through a 1M-row transaction.</summary>
public sealed class CaptureProcessTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task EveryChangeIsInTheLogAfterCaptureIsKilledAndRestartedRepeatedly()
    {
        await using var db = await SourceDatabase.CreateAsync("cdc_it_capture_kill");
        using var rig = new CaptureRig("capture-kill", partitions: 2);
        await db.Admin.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL, note VARCHAR(30))");
        await db.Admin.ExecuteAsync("CREATE TABLE u (k VARCHAR(10) PRIMARY KEY, n INT)");
        var p0 = await CaptureRig.StartPositionAsync(db.Admin);
        var settings = await CaptureHostProgram.WriteSettingsAsync(rig.File("capture.json"), new CaptureHostSettings(
            "kill", rig.LogDirectory, rig.StateDirectory, db.Name, p0.Position.ToString(), p0.Gtid, CaptureRig.NewServerId(), StopAtEnd: false));

        const int Rounds = 5;
        const int TransactionsPerRound = 150;
        await using var writer = await Serverless.MySql.Client.MySqlConnection.OpenAsync(SourceDatabase.AdminOptions(db.Name));
        var next = 1;
        var kills = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var before = await PublishedAsync(rig);
            File.Delete(settings + ".ready");
            using var child = ProcessRunner.StartTestHost(typeof(TransportHostProgram).Assembly, "capture", settings);
            try
            {
                await WaitForAsync(() => Task.FromResult(File.Exists(settings + ".ready")), child, "the capture process to start");
                var first = next;
                next += TransactionsPerRound;
                var writes = WriteRoundAsync(writer, first, TransactionsPerRound);
                await WaitForAsync(async () => await PublishedAsync(rig) >= before + TransactionsPerRound, child, $"round {round}: {TransactionsPerRound} more changes in the log");
                child.Kill(); // SIGKILL while the round's transactions still stream in: no flush, no checkpoint, no dispose.
                kills++;
                await writes;
            }
            finally
            {
                if (!child.HasExited)
                {
                    child.Kill(entireProcessTree: true);
                }

                await child.WaitForExitAsync();
            }
        }

        var checkpoint = await new CaptureCheckpointStore(rig.State, "kill").ReadAsync();
        Assert.NotNull(checkpoint);
        Assert.Equal(Rounds, checkpoint.Epoch); // every run claimed the job

        // A last run (in this process) to the end of the binlog, from the last checkpoint a killed run wrote.
        await rig.RunAsync(CaptureRig.Options("kill", CaptureRig.Replication(SourceDatabase.AdminOptions()), db.Name, p0));

        var changes = rig.ReadAll().Select(r => r.Change).ToList();
        var distinct = changes.Select(c => (c.Position, c.Kind, c.Table)).Distinct().Count();
        output.WriteLine($"{kills} kills; {changes.Count} changes in the log, {distinct} distinct, {changes.Count - distinct} duplicates");
        var folded = CaptureRig.Fold(changes);
        Assert.Equal(await CaptureRig.SelectAsync(db.Admin, "t"), folded[db.Name + ".t"]);
        Assert.Equal(await CaptureRig.SelectAsync(db.Admin, "u"), folded[db.Name + ".u"]);

        // Not only the final state: every insert the source made is in the log, deleted rows included.
        var inserted = changes.Where(c => c.Table == "t" && c.Kind == ChangeKind.Insert).Select(c => CaptureRig.Text(c.Key[0])).ToHashSet();
        Assert.Equal(Enumerable.Range(1, next - 1).Select(i => i.ToString(CultureInfo.InvariantCulture)).Order(), inserted.Order());
        Assert.Equal(Rounds, kills);
    }

    [Fact]
    public async Task AMillionRowTransactionStreamsWithinTheBufferBoundAndIsCheckpointedOnlyAtItsEnd()
    {
        await using var db = await SourceDatabase.CreateAsync("cdc_it_capture_large");
        using var rig = new CaptureRig("capture-large", partitions: 1);
        await db.Admin.ExecuteAsync("CREATE TABLE big (id INT PRIMARY KEY, a INT NOT NULL, b VARCHAR(20) NOT NULL)");
        var p0 = await CaptureRig.StartPositionAsync(db.Admin);
        await db.Admin.ExecuteAsync("INSERT INTO big VALUES (0, 0, 'before')");
        await db.Admin.ExecuteAsync("INSERT INTO big SELECT seq, seq * 2, CONCAT('row ', seq) FROM seq_1_to_1000000");
        const int MaxBuffered = 4 * 1024 * 1024;
        var settings = await CaptureHostProgram.WriteSettingsAsync(rig.File("capture.json"), new CaptureHostSettings(
            "large", rig.LogDirectory, rig.StateDirectory, db.Name, p0.Position.ToString(), p0.Gtid, CaptureRig.NewServerId(), StopAtEnd: false, MaxBuffered));

        // First run: killed in the middle of the transaction. Its checkpoint may not pass the transaction's start.
        using (var child = ProcessRunner.StartTestHost(typeof(TransportHostProgram).Assembly, "capture", settings))
        {
            try
            {
                await WaitForAsync(async () => await PublishedAsync(rig) >= 300_000, child, "300,000 rows of the transaction in the log");
                child.Kill();
            }
            finally
            {
                await child.WaitForExitAsync();
            }
        }

        var midway = await PublishedAsync(rig);
        var checkpoint = await new CaptureCheckpointStore(rig.State, "large").ReadAsync();
        var transactionStart = rig.ReadEach().Select(r => r.Change).Where(c => CaptureRig.Text(c.Key[0]) == "1").Min(c => c.Position);
        Assert.InRange(midway, 300_000, 999_999);
        Assert.True(ReplicationResumePoint.Parse(checkpoint!.ResumePoint).LastDelivered < transactionStart, $"checkpoint {checkpoint.ResumePoint} lies inside the open transaction starting at {transactionStart}");

        // Second run: to the end of the binlog, measured.
        await CaptureHostProgram.WriteSettingsAsync(settings, new CaptureHostSettings(
            "large", rig.LogDirectory, rig.StateDirectory, db.Name, p0.Position.ToString(), p0.Gtid, CaptureRig.NewServerId(), StopAtEnd: true, MaxBuffered));
        using (var child = ProcessRunner.StartTestHost(typeof(TransportHostProgram).Assembly, "capture", settings))
        {
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
            Assert.Equal(0, child.ExitCode);
        }

        var result = CaptureHostProgram.ReadResult(settings);
        output.WriteLine(
            $"1M-row transaction: {result.Progress.ChangesPublished} changes in {result.Progress.BatchesPublished} batches, peak buffered {result.Progress.PeakBufferedBytes} bytes " +
            $"(bound {MaxBuffered} + one 1 MB batch), peak RSS of the capture process {result.PeakWorkingSetBytes / (1024 * 1024)} MiB, " +
            $"run {result.Elapsed.TotalSeconds:F1} s from process start to the end of the binlog (a figure for the report, not a benchmark)");
        Assert.InRange(result.Progress.PeakBufferedBytes, 1, MaxBuffered + rig.Log.MaxBatchBytes);
        Assert.True(result.Progress.ChangesPublished >= 1_000_000, $"the second run published {result.Progress.ChangesPublished} changes; the transaction has 1,000,000 rows");
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var change in rig.ReadEach())
        {
            keys.Add(CaptureRig.Text(change.Change.Key[0])!);
        }

        Assert.Equal(1_000_001, keys.Count);
        var final = await new CaptureCheckpointStore(rig.State, "large").ReadAsync();
        Assert.True(ReplicationResumePoint.Parse(final!.ResumePoint).LastDelivered > transactionStart);
    }

    private static async Task<long> PublishedAsync(CaptureRig rig)
    {
        long total = 0;
        for (var p = 0; p < rig.Log.PartitionCount; p++)
        {
            var properties = await rig.Log.GetPartitionPropertiesAsync(p);
            total += properties.LastSequenceNumber + 1;
        }

        return total;
    }

    /// <summary>Transactions that insert, update and delete rows of t and keep a running counter in u.</summary>
    private static async Task WriteRoundAsync(Serverless.MySql.Client.MySqlConnection writer, int first, int count)
    {
        for (var id = first; id < first + count; id++)
        {
            await writer.ExecuteAsync("START TRANSACTION");
            await writer.ExecuteAsync($"INSERT INTO t VALUES ({id}, 0, 'new {id}')");
            if (id > 5)
            {
                await writer.ExecuteAsync($"UPDATE t SET v = v + 1, note = 'touched by {id}' WHERE id = {id - 5}");
            }

            if (id % 7 == 0)
            {
                await writer.ExecuteAsync($"DELETE FROM t WHERE id = {id - 3}");
            }

            await writer.ExecuteAsync($"INSERT INTO u VALUES ('k{id % 10}', {id}) ON DUPLICATE KEY UPDATE n = {id}");
            await writer.ExecuteAsync("COMMIT");
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, Process child, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (!await condition())
        {
            if (child.HasExited)
            {
                throw new InvalidOperationException($"The capture process exited ({child.ExitCode}) before this happened: {what}.");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited 3 minutes in vain for this: {what}.");
            }

            await Task.Delay(20);
        }
    }
}
