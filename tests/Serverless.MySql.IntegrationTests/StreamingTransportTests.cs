using System.Diagnostics;
using Serverless.MySql.Client;
using Xunit;

namespace Serverless.MySql.IntegrationTests;

/// <summary>
/// Result streaming over the connection's socket transport against MariaDB: once a read has had to wait, the reader
/// runs on the connection's wait thread (one kernel wake-up per receive, no thread-pool hop) and reads every row;
/// cancellation and a connection killed by the server still end a reader that waits there.
/// </summary>
public sealed class StreamingTransportTests
{
    private const int Rows = 60_000;

    // The SEQUENCE engine's seq_1_to_N tables need a current database.
    private const string Database = "mysql_it_streaming";

    // The local server has no TLS; TLS over this transport is covered by the scripted-server tests (ProtocolTlsTests).
    [Fact]
    public async Task StreamingAfterAWaitContinuesOnTheConnectionsWaitThreadAndReadsEveryRow()
    {
        await (await ConnectionTestServer.OpenOwnDatabaseAsync(Database)).DisposeAsync();
        var options = await ConnectionTestServer.OptionsAsync(Database);
        await using var c = await MySqlConnection.OpenAsync(options with { TlsMode = TlsMode.Disabled });

        // The server pauses twice, so the reader surely runs dry and waits before row 40,000; every later row must be
        // read on the wait thread. Outside xunit's synchronization context, so continuations run where they complete.
        var (rows, sum, textBytes, threadsAfterPause) = await Task.Run(async () =>
        {
            var threads = new HashSet<string>();
            long n = 0, s = 0, bytes = 0;
            var sql = $"SELECT seq, REPEAT('y', seq % 50), IF(seq IN (1000, 40000), SLEEP(0.25), 0) FROM seq_1_to_{Rows}";
            var r = await c.QueryAsync(sql).ConfigureAwait(false);
            await using (r.ConfigureAwait(false))
            {
                while (await r.ReadAsync().ConfigureAwait(false))
                {
                    n++;
                    var id = r.GetInt64(0);
                    s += id;
                    bytes += r.GetRawBytes(1).Length;
                    if (id >= 40_000)
                    {
                        threads.Add(Thread.CurrentThread.Name ?? "(unnamed)");
                    }
                }
            }

            return (n, s, bytes, threads);
        });

        Assert.Equal(Rows, rows);
        Assert.Equal((long)Rows * (Rows + 1) / 2, sum);
        long expectedText = 0;
        for (var i = 1; i <= Rows; i++)
        {
            expectedText += i % 50;
        }

        Assert.Equal(expectedText, textBytes);
        var thread = Assert.Single(threadsAfterPause);
        Assert.StartsWith("MySQL receive", thread);
        Assert.Equal("9", await c.QueryScalarAsync("SELECT 9"));
    }

    [Fact]
    public async Task StreamingCancelledWhileTheReaderWaitsOnTheWaitThreadKillsTheQueryAndKeepsTheConnection()
    {
        await using var c = await ConnectionTestServer.OpenOwnDatabaseAsync(Database);
        using var cts = new CancellationTokenSource();
        long rows = 0;
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.Run(async () =>
        {
            // Rows flow, then the server sleeps for a long time: the reader waits (on the wait thread) when it is cancelled.
            var r = await c.QueryAsync("SELECT seq, IF(seq = 20000, SLEEP(60), 0) FROM seq_1_to_30000", cts.Token).ConfigureAwait(false);
            await using (r.ConfigureAwait(false))
            {
                while (await r.ReadAsync(cts.Token).ConfigureAwait(false))
                {
                    if (++rows == 1)
                    {
                        cts.CancelAfter(TimeSpan.FromMilliseconds(800));
                    }
                }
            }
        }));
        Assert.True(rows is > 0 and < 20_000, $"{rows} rows were read");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"cancellation took {watch.Elapsed}");
        Assert.True(c.IsUsable);
        Assert.Equal("10", await c.QueryScalarAsync("SELECT 10"));
    }

    [Fact]
    public async Task StreamingConnectionKilledByTheServerEndsTheWaitingReaderAndBreaksTheConnection()
    {
        await using var c = await ConnectionTestServer.OpenAsync();
        await using var admin = await ConnectionTestServer.OpenAsync();
        var reading = Task.Run(async () =>
        {
            var r = await c.QueryAsync("SELECT SLEEP(60)").ConfigureAwait(false);
            await using (r.ConfigureAwait(false))
            {
                await r.ReadAsync().ConfigureAwait(false);
            }
        });

        await Task.Delay(500);
        await admin.ExecuteAsync($"KILL CONNECTION {c.ConnectionId}");
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<MySqlException>(() => reading.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"the reader ended {watch.Elapsed} after the kill");

        // The server may send its "connection killed" error before closing; by the next command the loss is certain.
        var next = await Assert.ThrowsAsync<MySqlException>(() => c.QueryScalarAsync("SELECT 11"));
        Assert.True(next.ConnectionBroken, $"expected a broken connection, got {next.Kind}: {next.Message}");
        Assert.False(c.IsUsable);
    }
}
