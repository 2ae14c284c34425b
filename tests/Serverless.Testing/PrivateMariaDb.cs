using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Serverless.MySql.Client;

namespace Serverless.Testing;

/// <summary>
/// A MariaDB of a test's own (port, Unix socket, data folder, server id), run by scripts/deps.sh, for tests that stop,
/// restart, purge or fail over a server, so that the shared server other tests use keeps running. Stopped and deleted on
/// dispose.
/// </summary>
public sealed class PrivateMariaDb : IAsyncDisposable
{
    private static readonly object PortLock = new();
    private static readonly HashSet<int> Taken = [];
    private readonly TempDirectory folder;
    private readonly Dictionary<string, string> environment;

    private PrivateMariaDb(int port, int serverId, string prefix)
    {
        Port = port;
        ServerId = serverId;
        folder = new TempDirectory(prefix);
        environment = new Dictionary<string, string>
        {
            ["SERVERLESS_DEPS_DIR"] = folder.Path,
            ["SERVERLESS_MARIADB_BUFFER_POOL"] = "64M",
            ["SERVERLESS_MARIADB_REDO_LOG"] = "48M",
            ["SERVERLESS_MARIADB_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["SERVERLESS_MARIADB_SOCKET"] = $"/tmp/{prefix}-{port}.sock",
            ["SERVERLESS_MARIADB_SERVER_ID"] = serverId.ToString(CultureInfo.InvariantCulture),
        };
    }

    public int Port { get; }

    public int ServerId { get; }

    /// <summary>The all-privileges user <c>serverless</c>.</summary>
    public MySqlConnectionOptions Options => new()
    {
        Host = "127.0.0.1", Port = Port, User = "serverless", Password = "serverless", Name = $"private-mariadb-{Port}", TlsMode = TlsMode.Disabled,
    };

    /// <summary>The limited capture user <c>cdc_repl</c>.</summary>
    public MySqlConnectionOptions ReplicationOptions => Options with { User = "cdc_repl", Password = "cdc_repl" };

    private string PidFile => Path.Combine(folder.Path, "mariadb", "mariadbd.pid");

    public static async Task<PrivateMariaDb> StartAsync(string prefix = "sl-private", int serverId = 1)
    {
        // deps.sh installs MariaDB when missing; the shared fixture does that once for the whole run.
        await LocalDependencies.EnsureMariaDbAsync();
        PrivateMariaDb server;
        lock (PortLock)
        {
            server = new PrivateMariaDb(FreePort(), serverId, prefix);
        }

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
            "bash", [Path.Combine(RepoPaths.Scripts, "deps.sh"), verb, "mariadb"], environment: environment, timeout: TimeSpan.FromSeconds(90));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/deps.sh {verb} mariadb for the private server on port {Port} failed (exit {result.ExitCode}):\n{result.StandardError}");
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

    /// <summary>A port from 13399 down that nothing listens on and no other private server of this process took.</summary>
    private static int FreePort()
    {
        for (var candidate = 13399; candidate > 13350; candidate--)
        {
            if (Taken.Contains(candidate))
            {
                continue;
            }

            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, candidate);
                probe.Start();
                probe.Stop();
                Taken.Add(candidate);
                return candidate;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("No free port between 13351 and 13399 for a private MariaDB; stop leftover servers there.");
    }
}
