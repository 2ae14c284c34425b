namespace Serverless.Testing;

/// <summary>
/// Starts the local peers (MariaDB, Azurite) through scripts/deps.sh once per test process, or reuses
/// running ones. A peer this process started is stopped when the process exits, unless another live
/// test process still holds a lease on it, so a run leaves no stray servers behind.
/// </summary>
public static class LocalDependencies
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly HashSet<string> Ready = [];
    private static readonly List<string> StartedHere = [];
    private static bool exitHookInstalled;

    public static string MariaDbHost => "127.0.0.1";

    public static int MariaDbPort => EnvInt("SERVERLESS_MARIADB_PORT", 13306);

    /// <summary>A user with all privileges, created by scripts/deps.sh.</summary>
    public static (string User, string Password) MariaDbAdmin => ("serverless", "serverless");

    /// <summary>A user with only the privileges change capture needs.</summary>
    public static (string User, string Password) MariaDbReplicationUser => ("cdc_repl", "cdc_repl");

    public static int AzuriteBlobPort => EnvInt("SERVERLESS_AZURITE_BLOB_PORT", 10000);

    public static int AzuriteTablePort => EnvInt("SERVERLESS_AZURITE_TABLE_PORT", 10002);

    /// <summary>Azurite's well-known development account.</summary>
    public static (string Name, string Key) AzuriteAccount => (
        "devstoreaccount1",
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==");

    public static Uri AzuriteBlobEndpoint => new($"http://127.0.0.1:{AzuriteBlobPort}/{AzuriteAccount.Name}");

    public static Uri AzuriteTableEndpoint => new($"http://127.0.0.1:{AzuriteTablePort}/{AzuriteAccount.Name}");

    public static Task EnsureMariaDbAsync() => EnsureAsync("mariadb");

    public static Task EnsureAzuriteAsync() => EnsureAsync("azurite");

    public static Task EnsureDuckDbAsync() => EnsureAsync("duckdb");

    private static async Task EnsureAsync(string name)
    {
        await Gate.WaitAsync();
        try
        {
            if (Ready.Contains(name))
            {
                return;
            }

            var wasRunning = name != "duckdb" && await IsRunningAsync(name);
            if (!wasRunning)
            {
                var up = await ProcessRunner.RunAsync("bash", [Path.Combine(RepoPaths.Scripts, "deps.sh"), "up", name], timeout: TimeSpan.FromMinutes(10));
                if (up.ExitCode != 0)
                {
                    throw new InvalidOperationException($"scripts/deps.sh up {name} failed (exit {up.ExitCode}):\n{up.StandardError}\n{up.StandardOutput}");
                }

                if (name != "duckdb")
                {
                    StartedHere.Add(name);
                }
            }

            TakeLease(name);
            Ready.Add(name);
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<bool> IsRunningAsync(string name)
    {
        var r = await ProcessRunner.RunAsync("bash", [Path.Combine(RepoPaths.Scripts, "deps.sh"), "running", name]);
        return r.ExitCode == 0;
    }

    private static string LeaseDir(string name) => Path.Combine(RepoPaths.Root, ".deps", "leases", name);

    private static void TakeLease(string name)
    {
        Directory.CreateDirectory(LeaseDir(name));
        File.WriteAllText(Path.Combine(LeaseDir(name), Environment.ProcessId.ToString()), string.Empty);
        if (!exitHookInstalled)
        {
            exitHookInstalled = true;
            AppDomain.CurrentDomain.ProcessExit += (_, _) => ReleaseAll();
        }
    }

    private static void ReleaseAll()
    {
        foreach (var name in Ready)
        {
            try
            {
                File.Delete(Path.Combine(LeaseDir(name), Environment.ProcessId.ToString()));
            }
            catch (IOException)
            {
            }
        }

        foreach (var name in StartedHere)
        {
            if (OtherLiveLeases(name))
            {
                continue;
            }

            using var p = System.Diagnostics.Process.Start("bash", [Path.Combine(RepoPaths.Scripts, "deps.sh"), "down", name]);
            p.WaitForExit(TimeSpan.FromSeconds(60));
        }
    }

    private static bool OtherLiveLeases(string name)
    {
        foreach (var file in Directory.EnumerateFiles(LeaseDir(name)))
        {
            if (!int.TryParse(Path.GetFileName(file), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                using var other = System.Diagnostics.Process.GetProcessById(pid);
                if (!other.HasExited)
                {
                    return true;
                }
            }
            catch (ArgumentException)
            {
                File.Delete(file);
            }
        }

        return false;
    }

    private static int EnvInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var v) ? v : fallback;
}
