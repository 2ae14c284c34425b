using System.Globalization;
using Serverless.MySql.Replication;
using Serverless.Testing;
using Xunit;

namespace Serverless.MySql.IntegrationTests;

/// <summary>
/// The source server stops and starts again while a binlog stream reads from it. Runs against a private MariaDB (own
/// port, socket and data folder, started by scripts/deps.sh) so that the shared server other tests use keeps running.
/// </summary>
public sealed class ReplicationServerRestartTests
{
    private const string Database = "restart_it";
    private const int RowsBeforeStop = 20;
    private const int RowsAfterRestart = 20;

    [Fact]
    public async Task AStreamReadingWhileTheServerRestartsDeliversEveryRowOnceInOrder()
    {
        await using var server = await PrivateMariaDb.StartAsync("sl-restart");
        BinlogPosition start;
        await using (var setup = await server.OpenAsync())
        {
            await setup.ExecuteAsync($"CREATE DATABASE {Database}");
            await setup.ExecuteAsync($"CREATE TABLE {Database}.items (id INT PRIMARY KEY, note VARCHAR(32) NOT NULL)");
            var status = await setup.QueryTextRowsAsync("SHOW MASTER STATUS");
            start = new BinlogPosition(status[0][0]!, long.Parse(status[0][1]!, CultureInfo.InvariantCulture));
        }

        var options = new BinlogReplicationOptions
        {
            Connection = server.Options with { User = "cdc_repl", Password = "cdc_repl", ConnectTimeout = TimeSpan.FromSeconds(2) },
            ServerId = 4242,
            StartPosition = start,
            TableFilter = t => t.DatabaseName == Database,
            HeartbeatPeriod = TimeSpan.FromSeconds(1),
            IdleTimeout = TimeSpan.FromSeconds(5),
            InitialReconnectDelay = TimeSpan.FromMilliseconds(100),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(500),

            // Enough attempts at ≤ 0.5 s apart to outlast a stop and a start on a busy machine.
            MaxReconnectAttempts = 120,
        };
        await using var stream = new BinlogReplicationStream(options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var delivered = new List<(int Id, string Note, BinlogPosition Position)>();
        var reader = Task.Run(async () =>
        {
            await foreach (var e in stream.ReadAsync(timeout.Token))
            {
                if (e is RowChange { TableName: "items", Kind: RowChangeKind.Insert } row)
                {
                    lock (delivered)
                    {
                        delivered.Add(((int)row.After[0].GetInt64(), row.After[1].GetString(), row.Position));
                        if (delivered.Count == RowsBeforeStop + RowsAfterRestart)
                        {
                            return;
                        }
                    }
                }
            }
        });

        await using (var writer = await server.OpenAsync())
        {
            for (var id = 1; id <= RowsBeforeStop; id++)
            {
                await writer.ExecuteAsync($"INSERT INTO {Database}.items VALUES ({id}, 'before restart')");
                if (id == RowsBeforeStop / 2)
                {
                    await WaitForAsync(() => Count(delivered) >= 1, reader, "the stream delivered the first rows");
                }
            }
        }

        var deliveredAtStop = Count(delivered);
        await server.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(
            reader.IsCompleted,
            reader.IsFaulted
                ? $"the stream failed while the server was down instead of reconnecting: {reader.Exception!.GetBaseException().Message}"
                : "the stream ended while the server was down instead of reconnecting (MariaDB sends an EOF packet when it shuts down a binlog dump)");
        await server.StartAgainAsync();

        await using (var writer = await server.OpenAsync())
        {
            for (var id = RowsBeforeStop + 1; id <= RowsBeforeStop + RowsAfterRestart; id++)
            {
                await writer.ExecuteAsync($"INSERT INTO {Database}.items VALUES ({id}, 'after restart')");
            }
        }

        await WaitForAsync(() => reader.IsCompleted, reader, $"the stream delivered all {RowsBeforeStop + RowsAfterRestart} rows");
        await reader;

        Assert.InRange(deliveredAtStop, 1, RowsBeforeStop);
        Assert.True(stream.ReconnectCount >= 1, "the stream reconnected after the server stopped");
        Assert.Equal(Enumerable.Range(1, RowsBeforeStop + RowsAfterRestart), delivered.Select(d => d.Id));
        Assert.All(delivered, d => Assert.Equal(d.Id <= RowsBeforeStop ? "before restart" : "after restart", d.Note));
        for (var i = 1; i < delivered.Count; i++)
        {
            Assert.True(delivered[i - 1].Position < delivered[i].Position, $"row {delivered[i].Id} at {delivered[i].Position} comes after row {delivered[i - 1].Id} at {delivered[i - 1].Position}");
        }

        // A restarted server opens a new binlog file: the later rows must come from it.
        Assert.True(delivered[^1].Position.FileIndex > delivered[0].Position.FileIndex, $"rows after the restart come from a newer binlog file than {delivered[0].Position.FileName}");
    }

    private static int Count<T>(List<T> list)
    {
        lock (list)
        {
            return list.Count;
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, Task reader, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (reader.IsFaulted)
            {
                await reader;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited 30 s for this in vain: {what}.");
            }

            await Task.Delay(20);
        }
    }
}
