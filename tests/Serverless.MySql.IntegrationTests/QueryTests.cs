using System.Diagnostics;
using System.Text;
using Serverless.MySql.Client;
using Xunit;

namespace Serverless.MySql.IntegrationTests;

public sealed class QueryTests
{
    private const string Database = "mysql_it_query";

    [Fact]
    public async Task RowLargerThanSixteenMebibytesIsReassembledFromContinuationPackets()
    {
        await using var c = await ConnectionTestServer.OpenOwnDatabaseAsync(Database);
        const int size = (17 * 1024 * 1024) + 3;
        await using (var r = await c.QueryAsync($"SELECT 7, REPEAT('ab', {size / 2}), 'tail'"))
        {
            Assert.True(await r.ReadAsync());
            Assert.Equal(7, r.GetInt32(0));
            var big = r.GetRawBytes(1);
            Assert.Equal(size / 2 * 2, big.Length);
            Assert.Equal((byte)'a', big[0]);
            Assert.Equal((byte)'b', big[^1]);
            Assert.Equal(-1, big.IndexOfAnyExcept("ab"u8));
            Assert.Equal("tail", r.GetString(2));
            Assert.False(await r.ReadAsync());
        }

        // A first field of 2^24 bytes or more starts the row with 0xFE (an 8-byte length): it is a row, not an EOF/OK packet.
        await using (var r = await c.QueryAsync($"SELECT REPEAT('c', {size}), 1"))
        {
            Assert.True(await r.ReadAsync());
            Assert.Equal(size, r.GetRawBytes(0).Length);
            Assert.Equal(1, r.GetInt32(1));
            Assert.False(await r.ReadAsync());
        }

        // The other direction: a statement longer than one packet is split by the client.
        var literal = new string('z', (16 * 1024 * 1024) + 10);
        Assert.Equal(literal.Length.ToString(), await c.QueryScalarAsync($"SELECT LENGTH('{literal}')"));
    }

    [Fact]
    public async Task MultipleResultSetsFromStatementsAndProceduresAreWalkedInOrder()
    {
        await using (var setup = await ConnectionTestServer.OpenOwnDatabaseAsync(Database))
        {
            await setup.ExecuteAsync("CREATE OR REPLACE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20))");
            await setup.ExecuteAsync("CREATE OR REPLACE PROCEDURE two_results() BEGIN SELECT 1 AS a; SELECT 'x' AS b, 'y' AS c UNION ALL SELECT 'z', NULL; END");
        }

        await using var c = await ConnectionTestServer.OpenAsync(Database, multiStatements: true);
        await using (var r = await c.QueryAsync("INSERT INTO items (name) VALUES ('p'), ('q'); SELECT COUNT(*) FROM items; DELETE FROM items WHERE name = 'p'"))
        {
            Assert.Equal(0, r.FieldCount);
            Assert.Equal(2ul, r.AffectedRows);
            Assert.True(r.LastInsertId > 0);
            Assert.True(await r.NextResultAsync());
            Assert.Equal(1, r.FieldCount);
            Assert.True(await r.ReadAsync());
            Assert.True(r.GetInt64(0) >= 2);
            Assert.True(await r.NextResultAsync());
            Assert.Equal(0, r.FieldCount);
            Assert.True(r.AffectedRows >= 1);
            Assert.False(await r.NextResultAsync());
        }

        await using (var r = await c.QueryAsync("CALL two_results()"))
        {
            Assert.Equal("a", r.Columns[0].Name);
            Assert.True(await r.ReadAsync());
            Assert.Equal(1, r.GetInt32(0));
            Assert.False(await r.ReadAsync());
            Assert.True(await r.NextResultAsync());
            Assert.Equal(["b", "c"], r.Columns.Select(x => x.Name));
            Assert.True(await r.ReadAsync());
            Assert.Equal("y", r.GetString(1));
            Assert.True(await r.ReadAsync());
            Assert.True(r.IsDBNull(1));
            Assert.False(await r.ReadAsync());
            Assert.True(await r.NextResultAsync()); // the CALL's own OK
            Assert.Equal(0, r.FieldCount);
            Assert.False(await r.NextResultAsync());
        }

        Assert.Equal("1", await c.QueryScalarAsync("SELECT 1"));
    }

    [Fact]
    public async Task ServerErrorInTheMiddleOfRowsIsThrownAndTheConnectionStaysUsable()
    {
        await using var c = await ConnectionTestServer.OpenOwnDatabaseAsync(Database);
        var r = await c.QueryAsync("SELECT t.seq, (SELECT 1 FROM seq_1_to_2 s WHERE t.seq >= 20000) AS boom FROM seq_1_to_30000 t");
        long rows = 0;
        var e = await Assert.ThrowsAsync<MySqlException>(async () =>
        {
            while (await r.ReadAsync())
            {
                rows++;
                Assert.Equal(rows, r.GetInt64(0));
            }
        });
        await r.DisposeAsync();
        Assert.Equal(1242, e.ErrorNumber);
        Assert.Equal("21000", e.SqlState);
        Assert.Contains("Subquery returns more than 1 row", e.Message);
        Assert.InRange(rows, 1, 19999);
        Assert.Equal("2", await c.QueryScalarAsync("SELECT 2"));
    }

    [Fact]
    public async Task ServerErrorBeforeAnyRowIsThrownFromQuery()
    {
        await using var c = await ConnectionTestServer.OpenOwnDatabaseAsync(Database);
        var e = await Assert.ThrowsAsync<MySqlException>(() => c.QueryAsync("SELECT * FROM no_such_db.no_such_table"));
        Assert.Equal(1146, e.ErrorNumber);
        var syntax = await Assert.ThrowsAsync<MySqlException>(() => c.ExecuteAsync("SELEC 1"));
        Assert.Equal(1064, syntax.ErrorNumber);
        Assert.Equal("3", await c.QueryScalarAsync("SELECT 3"));
    }

    [Fact]
    public async Task CancellingSleepKillsTheQueryWithinSecondsAndKeepsTheConnection()
    {
        await using var c = await ConnectionTestServer.OpenOwnDatabaseAsync(Database);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await using var r = await c.QueryAsync("SELECT SLEEP(30)", cts.Token);
            while (await r.ReadAsync(cts.Token))
            {
            }
        });
        watch.Stop();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"cancellation took {watch.Elapsed}");
        Assert.Equal("4", await c.QueryScalarAsync("SELECT 4"));

        // A statement without a result set is interrupted while waiting for its OK.
        using var cts2 = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        watch.Restart();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => c.ExecuteAsync("DO SLEEP(30)", cts2.Token));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"cancellation took {watch.Elapsed}");

        // An UPDATE that waits for a lock is killed with error 1317 before any result.
        await c.ExecuteAsync("CREATE OR REPLACE TABLE lock_target (id INT PRIMARY KEY, v INT) ENGINE=InnoDB");
        await c.ExecuteAsync("INSERT INTO lock_target VALUES (1, 0)");
        await using (var holder = await ConnectionTestServer.OpenAsync(Database))
        {
            await holder.ExecuteAsync("START TRANSACTION");
            await holder.ExecuteAsync("UPDATE lock_target SET v = 1 WHERE id = 1");
            using var cts3 = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            watch.Restart();
            var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => c.ExecuteAsync("UPDATE lock_target SET v = 2 WHERE id = 1", cts3.Token));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"cancellation took {watch.Elapsed}");
            Assert.Equal(MySqlErrorKind.QueryInterrupted, Assert.IsType<MySqlException>(e.InnerException).Kind);
            await holder.ExecuteAsync("ROLLBACK");
        }

        Assert.Equal("4", await c.QueryScalarAsync("SELECT 4"));
    }

    [Fact]
    public async Task CancellingWhileStreamingRowsStopsTheServerSide()
    {
        await using var c = await ConnectionTestServer.OpenOwnDatabaseAsync(Database);
        using var cts = new CancellationTokenSource();
        long rows = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await using var r = await c.QueryAsync("SELECT a.seq, b.seq FROM seq_1_to_100000 a, seq_1_to_100000 b", cts.Token);
            while (await r.ReadAsync(cts.Token))
            {
                if (++rows == 1000)
                {
                    await cts.CancelAsync();
                }
            }
        });
        Assert.Equal(1000, rows);
        Assert.Equal("5", await c.QueryScalarAsync("SELECT 5"));
    }

    [Fact]
    public async Task CancellingBeforeTheFirstRowKillsALongAggregateAndThrowsCancellation()
    {
        await using var c = await ConnectionTestServer.OpenOwnDatabaseAsync(Database);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            // The server sends the column definitions before it starts the join, so the wait is for the first row.
            await using var r = await c.QueryAsync("SELECT SUM(a.seq * b.seq) FROM seq_1_to_1000000 a, seq_1_to_1000000 b", cts.Token);
            Assert.Equal(1, r.FieldCount);
            await r.ReadAsync(cts.Token);
        });
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"cancellation took {watch.Elapsed}");
        Assert.Equal("6", await c.QueryScalarAsync("SELECT 6"));
    }

    [Fact]
    public async Task KillQueryThatArrivesAfterTheStatementEndedDoesNotInterruptTheNextOne()
    {
        // Cancellation may lose the race with a statement's natural end; the server must then ignore the late KILL QUERY.
        await using var c = await ConnectionTestServer.OpenOwnDatabaseAsync(Database);
        await c.KillRunningQueryAsync();
        Assert.Equal("7", await c.QueryScalarAsync("SELECT 7"));
        Assert.Equal("0", await c.QueryScalarAsync("SELECT SLEEP(0.2)"));
    }

    [Fact]
    public async Task QueryTextRowsReturnsSmallResultsAsStrings()
    {
        await using var c = await ConnectionTestServer.OpenOwnDatabaseAsync(Database);
        var rows = await c.QueryTextRowsAsync("SHOW VARIABLES WHERE Variable_name IN ('binlog_format', 'log_bin')");
        Assert.Equal(2, rows.Count);
        Assert.Contains(rows, r => r[0] == "binlog_format" && r[1] == "ROW");
        Assert.Null(await c.QueryScalarAsync("SELECT NULL"));
        Assert.Null(await c.QueryScalarAsync("SELECT 1 FROM DUAL WHERE 1 = 0"));
        var user = await c.ExecuteAsync("SET @cdc_probe = 'x'");
        Assert.Equal(0, user);
        Assert.Equal("x", Encoding.UTF8.GetString(Encoding.UTF8.GetBytes((await c.QueryScalarAsync("SELECT @cdc_probe"))!)));
    }
}
