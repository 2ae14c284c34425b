using Serverless.Testing;

namespace Serverless.Cli.Tests;

/// <summary>`serverless run` streaming after the snapshot, `--until-caught-up`, and `serverless status` of the stopped stream.</summary>
public sealed class RunStreamingTests
{
    [Fact]
    public async Task RunUntilCaughtUpAppliesChangesMadeAfterASnapshotOnlyRunAndStatusShowsTheStoppedStream()
    {
        await using var db = await JobSpecs.CreateItemsDatabaseAsync("cli_it_stream", 2000);
        using var dir = new TempDirectory("cli-stream");
        var job = JobSpecs.Write(dir.Path, "cli-stream", db.Name, "./lake");

        // The snapshot alone; then changes the next run must stream (capture resumes from P0: none ran yet).
        var snapshot = await CliRunner.RunAsync("run", "--snapshot-only", "--job", job);
        Assert.True(snapshot.ExitCode == 0, snapshot.Error + snapshot.Out);
        await db.Admin.ExecuteAsync("UPDATE items SET price = price + 1000 WHERE id <= 100");
        await db.Admin.ExecuteAsync("DELETE FROM items WHERE id BETWEEN 1001 AND 1050");
        await db.Admin.ExecuteAsync("INSERT INTO items SELECT seq, CONCAT('new-', seq), 1 FROM seq_2001_to_2025");

        var run = await CliRunner.RunAsync("run", "--until-caught-up", "--job", job);
        Assert.True(run.ExitCode == 0, run.Error + run.Out);
        Assert.Contains("Caught up: every change up to ", run.Out, StringComparison.Ordinal);

        var verify = await CliRunner.RunAsync("verify", "--job", job, "--rechecks", "0");
        Assert.True(verify.ExitCode == 0, verify.Error + verify.Out);
        Assert.Contains("Equal: 1 table(s) match their lake tables.", verify.Out, StringComparison.Ordinal);

        var status = await CliRunner.RunAsync("status", "--job", job);
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("stream: stopped, as of ", status.Out, StringComparison.Ordinal);
        Assert.Contains("  capture: stopped at ", status.Out, StringComparison.Ordinal);
        Assert.Matches($@"\n  {db.Name}\.items\s+175\s", status.Out); // 100 updates + 50 deletes + 25 inserts applied
        Assert.Contains("  writer p", status.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SnapshotOnlyAndUntilCaughtUpTogetherAreAUsageError()
    {
        using var dir = new TempDirectory("cli-stream-usage");
        var job = JobSpecs.Write(dir.Path, "cli-stream-usage", "cli_it_none", "./lake");

        var run = await CliRunner.RunAsync("run", "--snapshot-only", "--until-caught-up", "--job", job);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--snapshot-only", run.Error, StringComparison.Ordinal);
        Assert.Contains("not both", run.Error, StringComparison.Ordinal);
        Assert.Equal(["job.json"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }
}
