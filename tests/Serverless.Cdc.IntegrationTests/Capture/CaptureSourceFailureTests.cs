using System.Globalization;
using Serverless.Cdc.Capture;
using Serverless.MySql.Client;
using Serverless.MySql.Replication;

namespace Serverless.Cdc.IntegrationTests.Capture;

/// <summary>
/// What the source does to a running capture: purges the binlog, restarts, takes the replication privileges away, fails
/// over to another server. Server-wide actions run on private MariaDB servers so the shared one is left alone.
/// </summary>
public sealed class CaptureSourceFailureTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task APurgedBinlogStopsCaptureWithANamedErrorThatSaysToReSnapshot()
    {
        await using var server = await PrivateMariaDb.StartAsync("sl-cap-purge");
        using var rig = new CaptureRig("capture-purge");
        await using var admin = await server.OpenAsync();
        await admin.ExecuteAsync("CREATE DATABASE cap_purge");
        await admin.ExecuteAsync("CREATE TABLE cap_purge.t (id INT PRIMARY KEY)");
        var p0 = await CaptureRig.StartPositionAsync(admin);
        await admin.ExecuteAsync("INSERT INTO cap_purge.t VALUES (1), (2)");
        await admin.ExecuteAsync("FLUSH BINARY LOGS");
        var current = (await admin.QueryTextRowsAsync("SHOW MASTER STATUS"))[0][0]!;

        // The server keeps a file until InnoDB has checkpointed its transactions (it says so only as a warning): purge
        // until the file is gone.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await admin.QueryTextRowsAsync("SHOW BINARY LOGS")).Any(r => r[0] == p0.Position.FileName))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{p0.Position.FileName} was still not purged after 60 s");
            await admin.ExecuteAsync("FLUSH ENGINE LOGS");
            await admin.ExecuteAsync($"PURGE BINARY LOGS TO '{current}'");
            await Task.Delay(100);
        }

        var purged = await Assert.ThrowsAsync<BinlogPurgedException>(() => rig.RunAsync(CaptureRig.Options("purge", server.ReplicationOptions, "cap_purge", p0)));

        Assert.Contains("Re-snapshot the affected tables", purged.Message, StringComparison.Ordinal);
        Assert.Contains(p0.Position.FileName, purged.Message, StringComparison.Ordinal);
        Assert.Empty(rig.ReadAll());
    }

    [Fact]
    public async Task CaptureFollowsARestartedServerWithoutGapOrLoss()
    {
        await using var server = await PrivateMariaDb.StartAsync("sl-cap-restart");
        using var rig = new CaptureRig("capture-restart-server");
        BinlogPosition firstFile;
        CaptureStart p0;
        await using (var admin = await server.OpenAsync())
        {
            await admin.ExecuteAsync("CREATE DATABASE cap_restart");
            await admin.ExecuteAsync("CREATE TABLE cap_restart.t (id INT PRIMARY KEY, phase VARCHAR(20) NOT NULL)");
            p0 = await CaptureRig.StartPositionAsync(admin);
            firstFile = p0.Position;
            for (var id = 1; id <= 20; id++)
            {
                await admin.ExecuteAsync($"INSERT INTO cap_restart.t VALUES ({id}, 'before restart')");
            }
        }

        var options = CaptureRig.Options("restart-server", server.ReplicationOptions, "cap_restart", p0, stopAtEnd: false) with
        {
            IdleTimeout = TimeSpan.FromSeconds(5), MaxReconnectAttempts = 200,
        };
        await using var publisher = rig.Log.OpenPublisher();
        var capture = new BinlogCapture(options, publisher, rig.State);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var running = capture.RunAsync(stop.Token);
        await CaptureLoopTests.WaitUntilAsync(() => capture.Progress.ChangesPublished == 20, running, "the rows before the restart are published");

        await server.StopAsync();
        await server.StartAgainAsync();
        await using (var admin = await server.OpenAsync())
        {
            for (var id = 21; id <= 40; id++)
            {
                await admin.ExecuteAsync($"INSERT INTO cap_restart.t VALUES ({id}, 'after restart')");
            }
        }

        await CaptureLoopTests.WaitUntilAsync(() => capture.Progress.ChangesPublished >= 40, running, "the rows after the restart are published");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        var changes = rig.ReadAll().Select(r => r.Change).ToList();
        Assert.True(capture.Progress.Reconnects >= 1, "capture reconnected after the server went away");
        Assert.Equal(Enumerable.Range(1, 40).Select(i => i.ToString(CultureInfo.InvariantCulture)), changes.Select(c => CaptureRig.Text(c.Key[0])));
        Assert.True(changes[^1].Position.FileIndex > firstFile.FileIndex, "rows after the restart come from the binlog file the restarted server opened");
        Assert.All(changes, c => Assert.Equal(0, c.SourceGeneration)); // the same server: its positions still compare
        await using var check = await server.OpenAsync();
        Assert.Equal(await CaptureRig.SelectAsync(check, "cap_restart.t"), CaptureRig.Fold(changes)["cap_restart.t"]);
    }

    [Fact]
    public async Task LostReplicationPrivilegesStopCaptureWithANamedErrorWithoutRetrying()
    {
        await using var db = await SourceDatabase.CreateAsync("cdc_it_capture_grants");
        using var rig = new CaptureRig("capture-grants");
        var user = "cdc_it_lost_" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        await db.Admin.ExecuteAsync($"DROP USER IF EXISTS '{user}'@'%'");
        await db.Admin.ExecuteAsync($"CREATE USER '{user}'@'%' IDENTIFIED BY 'pw'");
        await db.Admin.ExecuteAsync($"GRANT SELECT, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO '{user}'@'%'");
        try
        {
            await db.Admin.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY)");
            var p0 = await CaptureRig.StartPositionAsync(db.Admin);
            var source = SourceDatabase.AdminOptions() with { User = user, Password = "pw" };
            await using var publisher = rig.Log.OpenPublisher();
            var capture = new BinlogCapture(CaptureRig.Options("grants", source, db.Name, p0, stopAtEnd: false), publisher, rig.State);
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(10));
            var running = capture.RunAsync(stop.Token);
            await db.Admin.ExecuteAsync("INSERT INTO t VALUES (1)");
            await CaptureLoopTests.WaitUntilAsync(() => capture.Progress.ChangesPublished == 1, running, "the first row is published");

            // The privilege is checked when a dump starts: take it away, then drop the connection so capture reconnects.
            await db.Admin.ExecuteAsync($"REVOKE REPLICATION SLAVE ON *.* FROM '{user}'@'%'");
            var dumps = await db.Admin.QueryTextRowsAsync($"SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '{user}' AND COMMAND LIKE 'Binlog Dump%'");
            await db.Admin.ExecuteAsync($"KILL CONNECTION {Assert.Single(dumps)[0]}");

            var refused = await Assert.ThrowsAsync<CaptureSourceException>(() => running);
            output.WriteLine(refused.Message);
            Assert.Contains("REPLICATION SLAVE", refused.Message, StringComparison.Ordinal);
            Assert.Contains("not retried", refused.Message, StringComparison.Ordinal);
            // MariaDB answers the new dump's COM_REGISTER_SLAVE with 1045 (MySQL with 1227); both name the privilege.
            Assert.Contains(Assert.IsType<MySqlException>(refused.InnerException).ErrorNumber, new[] { 1045, 1227 });
            Assert.Equal(1, capture.Progress.Reconnects);
        }
        finally
        {
            await db.Admin.ExecuteAsync($"DROP USER IF EXISTS '{user}'@'%'");
        }
    }

    [Fact]
    public async Task AfterAFailoverCaptureResumesOnTheNewPrimaryByGtidWithoutGapOrRepeat()
    {
        await using var primary = await PrivateMariaDb.StartAsync("sl-cap-fo-a", serverId: 1);
        await using var replica = await PrivateMariaDb.StartAsync("sl-cap-fo-b", serverId: 2);
        using var rig = new CaptureRig("capture-failover");
        var p0 = await ReplicateAsync(primary, replica);
        await InsertAsync(primary, 1, 20, "old primary");

        var options = CaptureRig.Options("failover", primary.ReplicationOptions, "cap_failover", p0);
        await rig.RunAsync(options);
        var beforeFailover = rig.ReadAll().Count;
        var checkpoint = (await new CaptureCheckpointStore(rig.State, "failover").ReadAsync())!;
        Assert.Equal(20, beforeFailover);
        Assert.Equal(1, checkpoint.SourceServerId);

        await PromoteAsync(primary, replica);
        await InsertAsync(replica, 21, 40, "new primary");

        await using var publisher = rig.Log.OpenPublisher();
        var capture = new BinlogCapture(options with { Source = replica.ReplicationOptions, ReplicaServerId = CaptureRig.NewServerId() }, publisher, rig.State);
        await capture.RunAsync();

        Assert.True(capture.Progress.ResumedByGtid, "capture noticed the other server and resumed by GTID");
        var changes = rig.ReadAll().Select(r => r.Change).ToList();
        Assert.Equal(Enumerable.Range(1, 40).Select(i => i.ToString(CultureInfo.InvariantCulture)), changes.Select(c => CaptureRig.Text(c.Key[0])));
        Assert.All(changes.Skip(20), c => Assert.Equal("new primary", CaptureRig.Text(c.Row[1])));
        Assert.All(changes.Skip(20), c => Assert.StartsWith("0-2-", c.Gtid, StringComparison.Ordinal));
        Assert.All(changes.Take(20), c => Assert.Equal(0, c.SourceGeneration));
        Assert.All(changes.Skip(20), c => Assert.Equal(1, c.SourceGeneration));
        var after = (await new CaptureCheckpointStore(rig.State, "failover").ReadAsync())!;
        Assert.Equal(2, after.SourceServerId);
        Assert.Equal(1, after.SourceGeneration);
        await using var check = await replica.OpenAsync();
        Assert.Equal(await CaptureRig.SelectAsync(check, "cap_failover.t"), CaptureRig.Fold(changes)["cap_failover.t"]);
    }

    [Fact]
    public async Task AFailoverBehindTheSameAddressIsFollowedByGtidWithoutGapOrRepeat()
    {
        await using var primary = await PrivateMariaDb.StartAsync("sl-cap-vip-a", serverId: 1);
        await using var replica = await PrivateMariaDb.StartAsync("sl-cap-vip-b", serverId: 2);
        await using var address = TcpSwitch.Start(primary.Port);
        using var rig = new CaptureRig("capture-vip");
        var p0 = await ReplicateAsync(primary, replica);
        var source = primary.ReplicationOptions with { Port = address.Port };
        var options = CaptureRig.Options("vip", source, "cap_failover", p0, stopAtEnd: false) with { MaxReconnectAttempts = 200 };
        await using var publisher = rig.Log.OpenPublisher();
        var capture = new BinlogCapture(options, publisher, rig.State, new TestOutputLogger(output));
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var running = capture.RunAsync(stop.Token);
        await InsertAsync(primary, 1, 20, "old primary");
        await UpdateAsync(primary, 5, "old update");
        await CaptureLoopTests.WaitUntilAsync(() => capture.Progress.ChangesPublished == 21, running, $"the old primary's rows are published ({capture.Progress})");

        // The writer applies the old primary's changes first, so the new primary's update meets them in a lake file.
        using var lake = await FailoverLake.CreateAsync(rig, primary, rig.ReadAll());
        Assert.Equal(21, await lake.Writer.DrainAsync());
        Assert.Equal("old update", (await lake.RowsAsync())["5"].Origin);

        await PromoteAsync(primary, replica);
        address.SwitchTo(replica.Port);
        await InsertAsync(replica, 21, 40, "new primary");
        await UpdateAsync(replica, 5, "new update");
        await CaptureLoopTests.WaitUntilAsync(() => capture.Progress.ChangesPublished >= 42, running, "the new primary's rows are published");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        Assert.True(capture.Progress.ResumedByGtid, "capture noticed the other server behind the address and resumed by GTID");
        Assert.Equal(1, capture.Progress.SourceGeneration);
        var changes = rig.ReadAll().Select(r => r.Change).ToList();
        int[] keys = [.. Enumerable.Range(1, 20), 5, .. Enumerable.Range(21, 20), 5];
        Assert.Equal(keys.Select(i => i.ToString(CultureInfo.InvariantCulture)), changes.Select(c => CaptureRig.Text(c.Key[0])));
        Assert.All(changes.Take(21), c => Assert.Equal(0, c.SourceGeneration));
        Assert.All(changes.Skip(21), c => Assert.StartsWith("0-2-", c.Gtid, StringComparison.Ordinal));
        Assert.All(changes.Skip(21), c => Assert.Equal(1, c.SourceGeneration));
        var checkpoint = (await new CaptureCheckpointStore(rig.State, "vip").ReadAsync())!;
        Assert.Equal(2, checkpoint.SourceServerId);
        Assert.Equal(1, checkpoint.SourceGeneration);

        // The new primary numbers its binlog from 000001, below the old primary's 000003: by binlog position alone its
        // update of key 5 would lose to the old primary's. Its generation puts it above.
        var (oldUpdate, newUpdate) = (changes[20], changes[^1]);
        Assert.True(newUpdate.Position < oldUpdate.Position, $"{newUpdate.Position} is numbered below {oldUpdate.Position}");
        Assert.Equal(21, await lake.Writer.DrainAsync());
        var rows = await lake.RowsAsync();
        Assert.Equal("new update", rows["5"].Origin);
        Assert.Equal(newUpdate.SourcePosition.SortKey.ToString(CultureInfo.InvariantCulture), rows["5"].Position);
        await using var check = await replica.OpenAsync();
        Assert.Equal(
            (await check.QueryTextRowsAsync("SELECT id, origin FROM cap_failover.t")).Select(r => r[0] + "|" + r[1]).Order(StringComparer.Ordinal),
            rows.Select(r => r.Key + "|" + r.Value.Origin).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Makes <paramref name="replica"/> replicate <paramref name="primary"/> by GTID and creates cap_failover.t on the
    /// primary; returns P0 on the primary. The primary's binlog files are numbered ahead of the replica's, so a resume by
    /// file position could not work on the replica.
    /// </summary>
    private static async Task<CaptureStart> ReplicateAsync(PrivateMariaDb primary, PrivateMariaDb replica)
    {
        await using (var b = await replica.OpenAsync())
        {
            // The replica's own start-up statements would give it a GTID history of its own; it takes the primary's.
            await b.ExecuteAsync("RESET MASTER");
            await b.ExecuteAsync(
                $"CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = {primary.Port}, MASTER_USER = 'serverless', MASTER_PASSWORD = 'serverless', MASTER_USE_GTID = slave_pos");
            await b.ExecuteAsync("START SLAVE");
        }

        await using var a = await primary.OpenAsync();
        await a.ExecuteAsync("FLUSH BINARY LOGS");
        await a.ExecuteAsync("FLUSH BINARY LOGS");
        await a.ExecuteAsync("CREATE DATABASE cap_failover");
        await a.ExecuteAsync("CREATE TABLE cap_failover.t (id INT PRIMARY KEY, origin VARCHAR(20) NOT NULL)");
        return await CaptureRig.StartPositionAsync(a);
    }

    /// <summary>Waits until the replica has everything the primary wrote, stops the primary and makes the replica a primary.</summary>
    private static async Task PromoteAsync(PrivateMariaDb primary, PrivateMariaDb replica)
    {
        string primaryGtid;
        await using (var a = await primary.OpenAsync())
        {
            primaryGtid = (await a.QueryScalarAsync("SELECT @@gtid_binlog_pos"))!;
        }

        await using var b = await replica.OpenAsync();
        Assert.Equal("0", await b.QueryScalarAsync($"SELECT MASTER_GTID_WAIT('{primaryGtid}', 60)"));
        await primary.StopAsync();
        await b.ExecuteAsync("STOP SLAVE");
        await b.ExecuteAsync("RESET SLAVE ALL");
    }

    private static async Task UpdateAsync(PrivateMariaDb server, int id, string origin)
    {
        await using var connection = await server.OpenAsync();
        await connection.ExecuteAsync($"UPDATE cap_failover.t SET origin = '{origin}' WHERE id = {id}");
    }

    private static async Task InsertAsync(PrivateMariaDb server, int first, int last, string origin)
    {
        await using var connection = await server.OpenAsync();
        for (var id = first; id <= last; id++)
        {
            await connection.ExecuteAsync($"INSERT INTO cap_failover.t VALUES ({id}, '{origin}')");
        }
    }
}
