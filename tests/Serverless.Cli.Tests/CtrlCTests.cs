using System.Diagnostics;
using System.Globalization;
using System.Text;
using Serverless.MySql.Client;
using Serverless.Testing;

namespace Serverless.Cli.Tests;

/// <summary>`serverless run` in a child process, stopped with SIGINT as Ctrl-C in a terminal sends it.</summary>
public sealed class CtrlCTests
{
    private static bool StderrHas(StringBuilder error, string text)
    {
        lock (error)
        {
            return error.ToString().Contains(text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CtrlCDuringARunStopsItCleanlyWithExitCode130AndTheNextRunResumesIt()
    {
        await using var db = await JobSpecs.CreateItemsDatabaseAsync("cli_it_ctrlc", 3000);
        using var dir = new TempDirectory("cli-ctrlc");
        var job = JobSpecs.Write(dir.Path, "cli-ctrlc", db.Name, "./lake");

        // The table is write-locked by another session, so the run waits on it (planning or reading) until the Ctrl-C:
        // the signal lands mid-run however fast the machine is.
        var locker = await MySqlConnection.OpenAsync(SourceDatabase.AdminOptions(db.Name));
        int exitCode;
        string stderr;
        await using (locker)
        {
            await locker.ExecuteAsync("LOCK TABLES items WRITE");
            using var child = StartCli(dir.Path, "run", "--job", job);
            var error = new StringBuilder();
            child.ErrorDataReceived += (_, e) =>
            {
                lock (error)
                {
                    error.AppendLine(e.Data);
                }
            };
            child.OutputDataReceived += (_, _) => { };
            child.BeginErrorReadLine();
            child.BeginOutputReadLine();
            try
            {
                await WaitForLockWaitAsync(db.Admin, db.Name, child);
                await SignalAsync(child.Id, "INT");

                // Release the table only once the run has taken the signal (it prints "Stopping..." after cancelling):
                // released earlier, the run could finish every chunk before it sees the Ctrl-C.
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
                while (!StderrHas(error, "Stopping...") && !child.HasExited)
                {
                    Assert.True(DateTime.UtcNow < deadline, "The run did not acknowledge the Ctrl-C within 60 s.");
                    await Task.Delay(20);
                }

                await locker.ExecuteAsync("UNLOCK TABLES");
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await child.WaitForExitAsync(timeout.Token);
            }
            finally
            {
                if (!child.HasExited)
                {
                    child.Kill(entireProcessTree: true);
                }
            }

            exitCode = child.ExitCode;
            lock (error)
            {
                stderr = error.ToString();
            }
        }

        Assert.True(exitCode == 130, $"exit {exitCode}: {stderr}");
        Assert.Contains("Stopped. Run the same command again to resume", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("error:", stderr, StringComparison.Ordinal);

        // The stopped run left an unfinished job that the next run resumes to completion.
        var status = await CliRunner.RunAsync("status", "--job", job);
        Assert.Contains("not finished", status.Out, StringComparison.Ordinal);
        var again = await CliRunner.RunAsync("run", "--snapshot-only", "--job", job);
        Assert.True(again.ExitCode == 0, again.Error + again.Out);
        Assert.Contains("resumed the unfinished run", again.Error, StringComparison.Ordinal);
        Assert.Contains("Snapshot complete: 3,000 rows", again.Out, StringComparison.Ordinal);
    }

    /// <summary>The CLI as a process of its own (`dotnet exec serverless.dll`), started in <paramref name="folder"/>.</summary>
    private static Process StartCli(string folder, params string[] arguments)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath ? hostPath : "dotnet";

        // A process started in the background by a non-interactive shell (`cmd &`, as CI scripts and nohup do) inherits
        // SIGINT ignored, and .NET then leaves Ctrl-C alone, as a terminal would expect. The CLI is run the way a person
        // runs it: with SIGINT at its default disposition (coreutils env puts it back, then execs the CLI in its place).
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder };
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add(dotnet);
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {dotnet} exec {typeof(Program).Assembly.Location}.");
    }

    /// <summary>Waits until a session of the job waits for the table lock (the run is under way and blocked).</summary>
    private static async Task WaitForLockWaitAsync(MySqlConnection admin, string database, Process child)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var waiting = await admin.QueryScalarAsync(
                $"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND STATE LIKE 'Waiting for table%' AND INFO LIKE '%{database}%'");
            if (long.Parse(waiting ?? "0", CultureInfo.InvariantCulture) > 0)
            {
                return;
            }

            Assert.False(child.HasExited, $"serverless run exited before reaching the locked table (exit {(child.HasExited ? child.ExitCode : 0)}).");
            Assert.True(DateTime.UtcNow < deadline, "serverless run did not reach the locked table within 60 s.");
            await Task.Delay(50);
        }
    }

    private static async Task SignalAsync(int pid, string signal)
    {
        var kill = await ProcessRunner.RunAsync("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]);
        Assert.True(kill.ExitCode == 0, kill.StandardError);
    }
}
