using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Serverless.MySql.Client;
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
        await using var server = await PrivateMariaDb.StartAsync();
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

    /// <summary>A MariaDB of its own (port, Unix socket, data folder), run by scripts/deps.sh; stopped and deleted on dispose.</summary>
    private sealed class PrivateMariaDb : IAsyncDisposable
    {
        private readonly TempDirectory folder = new("sl-restart");
        private readonly int port;
        private readonly Dictionary<string, string> environment;

        private PrivateMariaDb(int port)
        {
            this.port = port;
            environment = new Dictionary<string, string>
            {
                ["SERVERLESS_DEPS_DIR"] = folder.Path,
                ["SERVERLESS_MARIADB_BUFFER_POOL"] = "64M",
                ["SERVERLESS_MARIADB_REDO_LOG"] = "48M",
                ["SERVERLESS_MARIADB_PORT"] = port.ToString(CultureInfo.InvariantCulture),
                ["SERVERLESS_MARIADB_SOCKET"] = $"/tmp/sl-restart-{port}.sock",
            };
        }

        public MySqlConnectionOptions Options => new()
        {
            Host = "127.0.0.1", Port = port, User = "serverless", Password = "serverless", Name = $"private-mariadb-{port}",
        };

        private string PidFile => Path.Combine(folder.Path, "mariadb", "mariadbd.pid");

        public static async Task<PrivateMariaDb> StartAsync()
        {
            // deps.sh installs MariaDB when missing; the shared fixture does that once for the whole run.
            await LocalDependencies.EnsureMariaDbAsync();
            var server = new PrivateMariaDb(FreePort());
            try
            {
                await server.DepsAsync("up");
                return server;
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }

        public async Task<MySqlConnection> OpenAsync() => await MySqlConnection.OpenAsync(Options);

        public Task StopAsync() => DepsAsync("down");

        public Task StartAgainAsync() => DepsAsync("up");

        public async ValueTask DisposeAsync()
        {
            var pid = File.Exists(PidFile) && int.TryParse(File.ReadAllText(PidFile).Trim(), out var p) ? p : (int?)null;
            try
            {
                await DepsAsync("down");
            }
            finally
            {
                // If the script could not stop it, end the server this test started (by its pid) before deleting its folder.
                if (pid is { } id)
                {
                    KillIfRunning(id);
                }

                File.Delete(environment["SERVERLESS_MARIADB_SOCKET"]);
                folder.Dispose();
            }
        }

        private async Task DepsAsync(string verb)
        {
            var result = await ProcessRunner.RunAsync(
                "bash", [Path.Combine(RepoPaths.Scripts, "deps.sh"), verb, "mariadb"], environment: environment, timeout: TimeSpan.FromSeconds(60));
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"scripts/deps.sh {verb} mariadb for the private server on port {port} failed (exit {result.ExitCode}):\n{result.StandardError}");
            }
        }

        private static void KillIfRunning(int pid)
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                if (!process.HasExited && process.ProcessName.StartsWith("mariadbd", StringComparison.Ordinal))
                {
                    process.Kill();
                    process.WaitForExit(TimeSpan.FromSeconds(10));
                }
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }

        /// <summary>The first port from 13399 down that nothing listens on.</summary>
        private static int FreePort()
        {
            for (var candidate = 13399; candidate > 13350; candidate--)
            {
                try
                {
                    using var probe = new TcpListener(IPAddress.Loopback, candidate);
                    probe.Start();
                    probe.Stop();
                    return candidate;
                }
                catch (SocketException)
                {
                }
            }

            throw new InvalidOperationException("No free port between 13351 and 13399 for a private MariaDB; stop leftover servers there.");
        }
    }
}
