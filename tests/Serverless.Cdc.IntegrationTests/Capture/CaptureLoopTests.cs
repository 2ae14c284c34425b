using Serverless.Cdc.Capture;
using Serverless.Cdc.Transport;
using Serverless.MySql.Replication;

namespace Serverless.Cdc.IntegrationTests.Capture;

/// <summary>The capture loop against the shared MariaDB: what it publishes, where it checkpoints, who may checkpoint.</summary>
public sealed class CaptureLoopTests
{
    [Fact]
    public async Task ChangesAfterP0ArriveInTheLogExactlyAsTheSourceHasThem()
    {
        await using var db = await SourceDatabase.CreateAsync("cdc_it_capture_rows");
        using var rig = new CaptureRig("capture-rows");
        await db.Admin.ExecuteAsync("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, price DECIMAL(10,2), updated DATETIME(6), note TEXT NULL)");
        await db.Admin.ExecuteAsync("CREATE TABLE ignored_audit (id INT PRIMARY KEY, what VARCHAR(20))");
        await db.Admin.ExecuteAsync("INSERT INTO items VALUES (1000, 'before P0', 1.00, '2020-01-01 00:00:00', NULL)");
        var p0 = await CaptureRig.StartPositionAsync(db.Admin);

        for (var id = 1; id <= 30; id++)
        {
            await db.Admin.ExecuteAsync($"INSERT INTO items VALUES ({id}, 'item {id}', {id}.25, '2024-05-06 07:08:09.{id:000000}', {(id % 3 == 0 ? "NULL" : $"'note {id}'")})");
        }

        await db.Admin.ExecuteAsync("START TRANSACTION");
        await db.Admin.ExecuteAsync("INSERT INTO items VALUES (31, 'in a transaction', 3.10, NULL, 'x'), (32, 'in a transaction', 3.20, NULL, 'y')");
        await db.Admin.ExecuteAsync("UPDATE items SET price = price * 2 WHERE id <= 10");
        await db.Admin.ExecuteAsync("DELETE FROM items WHERE id IN (11, 12)");
        await db.Admin.ExecuteAsync("COMMIT");
        await db.Admin.ExecuteAsync("UPDATE items SET id = 107, name = 'moved key' WHERE id = 7");
        await db.Admin.ExecuteAsync("UPDATE items SET note = 'updated again' WHERE id = 1000");
        await db.Admin.ExecuteAsync("ALTER TABLE items ADD COLUMN extra INT NULL");
        await db.Admin.ExecuteAsync("INSERT INTO items VALUES (40, 'after the DDL', 4.00, NULL, NULL, 77)");
        await db.Admin.ExecuteAsync("UPDATE items SET extra = 5 WHERE id = 1");
        await db.Admin.ExecuteAsync("CREATE TABLE created_later (id INT PRIMARY KEY, label VARCHAR(10))");
        await db.Admin.ExecuteAsync("INSERT INTO created_later VALUES (1, 'one'), (2, 'two')");
        await db.Admin.ExecuteAsync("INSERT INTO ignored_audit VALUES (1, 'not captured')");
        await db.Admin.ExecuteAsync("DELETE FROM items WHERE id = 1000");

        await rig.RunAsync(CaptureRig.Options("rows", CaptureRig.Replication(SourceDatabase.AdminOptions()), db.Name, p0));

        var changes = rig.ReadAll().Select(r => r.Change).ToList();
        Assert.DoesNotContain(changes, c => c.Table == "ignored_audit");
        Assert.All(changes, c => Assert.True(c.Position > p0.Position, $"{c} is not after P0 {p0.Position}"));
        Assert.All(changes, c => Assert.Matches(@"^\d+-\d+-\d+$", c.Gtid!));

        var folded = CaptureRig.Fold(changes);
        var items = await CaptureRig.SelectAsync(db.Admin, "items");
        Assert.Equal(items.Keys.Order(), folded[db.Name + ".items"].Keys.Order());
        foreach (var (key, row) in items)
        {
            // Rows written before the DDL have one column fewer; the added column is NULL for them at the source too.
            var captured = folded[db.Name + ".items"][key];
            Assert.Equal(row.Take(captured.Length), captured);
            Assert.All(row.Skip(captured.Length), Assert.Null);
        }

        Assert.Equal(await CaptureRig.SelectAsync(db.Admin, "created_later"), folded[db.Name + ".created_later"]);

        // The key change is a delete of the old key and an insert of the new one, at the same position.
        var moved = changes.Where(c => c.Row.Count > 1 && CaptureRig.Text(c.Row[1]) == "moved key").ToList();
        var delete = Assert.Single(changes, c => c.Kind == ChangeKind.Delete && CaptureRig.Text(c.Key[0]) == "7");
        var insert = Assert.Single(moved);
        Assert.Equal(ChangeKind.Insert, insert.Kind);
        Assert.Equal(delete.Position, insert.Position);

        // Schema versions: 1 before the ALTER, 2 from it on; the new table starts at 1 with its CREATE.
        var ddl = changes.Where(c => c.Kind == ChangeKind.Ddl).OrderBy(c => c.Position).ToList();
        Assert.Equal(["items", "created_later"], ddl.Select(d => d.Table));
        Assert.Equal([2L, 1L], ddl.Select(d => d.SchemaVersion));
        Assert.Contains("ADD COLUMN extra", ddl[0].Sql, StringComparison.Ordinal);
        Assert.All(changes.Where(c => c.Table == "items" && c.Kind != ChangeKind.Ddl), c => Assert.Equal(c.Position < ddl[0].Position ? 1 : 2, c.SchemaVersion));
        Assert.All(changes.Where(c => c.Table == "created_later"), c => Assert.Equal(1, c.SchemaVersion));
    }

    [Fact]
    public async Task ARestartFromTheCheckpointRepublishesNothingBelowItAndLosesNothing()
    {
        await using var db = await SourceDatabase.CreateAsync("cdc_it_capture_restart");
        using var rig = new CaptureRig("capture-restart");
        await db.Admin.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20) NOT NULL)");
        var p0 = await CaptureRig.StartPositionAsync(db.Admin);
        var options = CaptureRig.Options("restart", CaptureRig.Replication(SourceDatabase.AdminOptions()), db.Name, p0);
        for (var id = 1; id <= 40; id++)
        {
            await db.Admin.ExecuteAsync($"INSERT INTO t VALUES ({id}, 'first run')");
        }

        await rig.RunAsync(options);
        var firstRun = rig.ReadAll().Count;
        var checkpoint = await new CaptureCheckpointStore(rig.State, "restart").ReadAsync();
        var resume = ReplicationResumePoint.Parse(checkpoint!.ResumePoint);
        Assert.Equal(40, firstRun);
        Assert.Equal(40, checkpoint.ChangesPublished);

        await db.Admin.ExecuteAsync("UPDATE t SET v = 'second run' WHERE id % 2 = 0");
        await db.Admin.ExecuteAsync("DELETE FROM t WHERE id > 35");
        for (var id = 41; id <= 60; id++)
        {
            await db.Admin.ExecuteAsync($"INSERT INTO t VALUES ({id}, 'second run')");
        }

        await rig.RunAsync(options with { ReplicaServerId = CaptureRig.NewServerId() });

        var all = rig.ReadAll().Select(r => r.Change).ToList();
        var secondRun = all.Where(c => !(c.Kind == ChangeKind.Insert && CaptureRig.Text(c.Row[1]) == "first run")).ToList();
        Assert.Equal(20 + 5 + 20, secondRun.Count);
        Assert.Equal(all.Count, firstRun + secondRun.Count);
        Assert.All(secondRun, c => Assert.True(c.Position > resume.LastDelivered, $"{c} is at or below the checkpoint {resume}"));
        Assert.Equal(await CaptureRig.SelectAsync(db.Admin, "t"), CaptureRig.Fold(all)[db.Name + ".t"]);
        Assert.Equal(85, (await new CaptureCheckpointStore(rig.State, "restart").ReadAsync())!.ChangesPublished);
    }

    [Fact]
    public async Task ASecondCaptureOfTheJobFencesTheFirstOut()
    {
        await using var db = await SourceDatabase.CreateAsync("cdc_it_capture_fence");
        using var rigA = new CaptureRig("capture-fence-a");
        using var rigB = new CaptureRig("capture-fence-b");
        await db.Admin.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY)");
        var p0 = await CaptureRig.StartPositionAsync(db.Admin);
        var options = CaptureRig.Options("fence", CaptureRig.Replication(SourceDatabase.AdminOptions()), db.Name, p0, stopAtEnd: false);
        await db.Admin.ExecuteAsync("INSERT INTO t VALUES (1)");

        // Both captures share the job's state store; each has its own log so that only the checkpoint is contested.
        await using var publisherA = rigA.Log.OpenPublisher();
        var first = new BinlogCapture(options, publisherA, rigA.State);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var firstRun = first.RunAsync(stop.Token);
        await WaitUntilAsync(() => first.Progress.ChangesPublished == 1 && first.Progress.Checkpoint is not null, firstRun, "the first capture checkpointed its first change");

        var sharedState = rigA.State;
        await using (var publisherB = rigB.Log.OpenPublisher())
        {
            await new BinlogCapture(options with { StopAtEnd = true, ReplicaServerId = CaptureRig.NewServerId() }, publisherB, sharedState).RunAsync(stop.Token);
        }

        var taken = await new CaptureCheckpointStore(sharedState, "fence").ReadAsync();
        await db.Admin.ExecuteAsync("INSERT INTO t VALUES (2)");

        var fenced = await Assert.ThrowsAsync<CaptureFencedException>(() => firstRun);
        Assert.Contains("another capture of the job took its checkpoint over", fenced.Message, StringComparison.Ordinal);
        var after = await new CaptureCheckpointStore(sharedState, "fence").ReadAsync();
        Assert.Equal(taken!.Owner, after!.Owner);
        Assert.Equal(taken.ResumePoint, after.ResumePoint);
        Assert.Equal(2, after.Epoch);

        // The first capture stops at its next checkpoint: the one after row 2, or earlier if other tests' transactions on
        // the shared server moved its position first.
        Assert.False(first.Progress.Running);
        Assert.InRange(first.Progress.ChangesPublished, 1, 2);
    }

    [Fact]
    public async Task ASpreadTableKeepsEachRowOnOneSlotAndSendsItsDdlToEverySlot()
    {
        await using var db = await SourceDatabase.CreateAsync("cdc_it_capture_spread");
        using var rig = new CaptureRig("capture-spread", partitions: 4);
        await db.Admin.ExecuteAsync("CREATE TABLE hot (id INT PRIMARY KEY, n INT NOT NULL)");
        var p0 = await CaptureRig.StartPositionAsync(db.Admin);
        await db.Admin.ExecuteAsync("INSERT INTO hot SELECT seq, 0 FROM seq_1_to_60");
        await db.Admin.ExecuteAsync("UPDATE hot SET n = n + 1 WHERE id % 2 = 0");
        await db.Admin.ExecuteAsync("ALTER TABLE hot ADD COLUMN tag VARCHAR(5) NULL");
        await db.Admin.ExecuteAsync("UPDATE hot SET n = n + 1, tag = 'x' WHERE id % 3 = 0");
        await db.Admin.ExecuteAsync("DELETE FROM hot WHERE id > 50");
        var options = CaptureRig.Options("spread", CaptureRig.Replication(SourceDatabase.AdminOptions()), db.Name, p0) with
        {
            Spread = new Dictionary<string, int> { [db.Name + ".hot"] = 3 },
        };

        await using (var publisher = rig.Log.OpenPublisher())
        {
            var capture = new BinlogCapture(options, publisher, rig.State);
            await capture.RunAsync();
            var progress = capture.Progress;
            Assert.False(progress.Running);
            Assert.Equal(60 + 30 + 3 + 20 + 10, progress.ChangesPublished);
            Assert.Equal(0, progress.BufferedBytes);
            Assert.InRange(progress.PeakBufferedBytes, 1, options.MaxBufferedBytes);
            Assert.True(progress.Position > p0.Position);
            Assert.True(progress.TransactionsSeen >= 5);
            Assert.NotNull(progress.LastCommitTime);
            Assert.Equal((await new CaptureCheckpointStore(rig.State, "spread").ReadAsync())!.ResumePoint, progress.Checkpoint);
        }

        var received = rig.ReadAll();
        var slotKeys = PartitionKeys.ForTableSlots(db.Name, "hot", 3);
        var ddl = received.Where(r => r.Change.Kind == ChangeKind.Ddl).ToList();
        Assert.Equal(3, ddl.Count);
        Assert.Equal(slotKeys.Select(k => PartitionKeys.PartitionFor(k, 4)).Order(), ddl.Select(d => d.Partition).Order());
        foreach (var row in received.Where(r => r.Change.Kind != ChangeKind.Ddl))
        {
            Assert.Equal(PartitionKeys.PartitionFor(PartitionKeys.ForChange(row.Change, 3), 4), row.Partition);
        }

        // Each slot's changes come in binlog order, and each slot meets the DDL between its rows before and after it.
        foreach (var slot in received.Where(r => r.Change.Kind != ChangeKind.Ddl).GroupBy(r => PartitionKeys.ForChange(r.Change, 3)))
        {
            var rows = slot.OrderBy(r => r.SequenceNumber).ToList();
            Assert.Equal(rows.Select(r => r.Change.Position).Order(), rows.Select(r => r.Change.Position));
            var lastBefore = rows.Where(r => r.Change.Position < ddl[0].Change.Position).Max(r => r.SequenceNumber);
            var firstAfter = rows.Where(r => r.Change.Position > ddl[0].Change.Position).Min(r => r.SequenceNumber);
            Assert.Contains(ddl, d => d.Partition == rows[0].Partition && d.SequenceNumber > lastBefore && d.SequenceNumber < firstAfter);
        }

        Assert.Equal(await CaptureRig.SelectAsync(db.Admin, "hot"), Pad(CaptureRig.Fold(received.Select(r => r.Change))[db.Name + ".hot"], 3));
    }

    private static Dictionary<string, string?[]> Pad(Dictionary<string, string?[]> rows, int columns) =>
        rows.ToDictionary(r => r.Key, r => r.Value.Concat(Enumerable.Repeat<string?>(null, columns - r.Value.Length)).ToArray(), StringComparer.Ordinal);

    internal static async Task WaitUntilAsync(Func<bool> condition, Task running, string what)
    {
        // Generous: capture reads from P0 through whatever other tests wrote to the shared server meanwhile.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (!condition())
        {
            if (running.IsCompleted)
            {
                await running;
                throw new InvalidOperationException($"The capture ended before this happened: {what}.");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited 3 minutes in vain for this: {what}.");
            }

            await Task.Delay(20);
        }
    }
}
