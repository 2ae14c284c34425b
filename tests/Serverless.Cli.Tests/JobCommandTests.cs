using Serverless.Testing;

namespace Serverless.Cli.Tests;

/// <summary>`serverless run` and `serverless status` against the local MariaDB and a lake in a temp folder.</summary>
public sealed class JobCommandTests
{
    [Fact]
    public async Task RunSnapshotsEveryRowAndStatusFromAnotherFolderFindsTheJobBesideItsSpec()
    {
        await using var db = await JobSpecs.CreateItemsDatabaseAsync("cli_it_run", 3500);

        // The spec names its lake relative to itself; the commands run in another folder (the test's) without --state.
        using var dir = new TempDirectory("cli-run");
        var job = JobSpecs.Write(dir.Path, "cli-run", db.Name, "./lake");
        Assert.NotEqual(dir.Path, Environment.CurrentDirectory);
        var lake = Path.Combine(dir.Path, "lake");
        var state = Path.Combine(dir.Path, ".serverless-state");

        var run = await CliRunner.RunAsync("run", "--snapshot-only", "--job", job);
        Assert.True(run.ExitCode == 0, run.Error + run.Out);
        Assert.Contains("Snapshot complete: 3,500 rows into 1 Delta table(s)", run.Out, StringComparison.Ordinal);
        Assert.Contains($"Job state is in {state}", run.Out, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(state, "orchestrations")), "The state goes beside the lake, in the spec's folder.");
        Assert.False(Directory.Exists(Path.Combine(Environment.CurrentDirectory, "lake")), "Nothing is written in the folder the command runs in.");

        var table = Path.Combine(lake, $"{db.Name}_items");
        var cat = await CliRunner.RunAsync("delta", "cat", table, "--columns", "id,name,price");
        Assert.Equal(0, cat.ExitCode);
        var rows = cat.Lines("\r\n").Skip(1).ToList();
        Assert.Equal(3500, rows.Count);
        Assert.Equal(3500, rows.Select(r => r.Split(',')[0]).Distinct().Count());
        Assert.Contains("1250,item-1250,312.50", rows);

        var status = await CliRunner.RunAsync("status", "--job", job);
        Assert.Equal(0, status.ExitCode);
        Assert.StartsWith("job cli-run: Completed, started ", status.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("(Completed)", status.Out, StringComparison.Ordinal);
        Assert.Contains($"  lake:  {lake}", status.Out, StringComparison.Ordinal);
        Assert.Contains($"  state: {state}", status.Out, StringComparison.Ordinal);
        Assert.Contains("rows 3,500  complete", status.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusOfAJobThatHasNotRunNamesTheStateFolderItLookedInAndCreatesNothing()
    {
        using var dir = new TempDirectory("cli-status-new");
        var job = JobSpecs.Write(dir.Path, "cli-never-ran", "cli_it_none", "./lake");

        var status = await CliRunner.RunAsync("status", "--job", job);

        Assert.Equal(0, status.ExitCode);
        Assert.Contains($"has not run with the state folder {Path.Combine(dir.Path, ".serverless-state")}", status.Out, StringComparison.Ordinal);
        Assert.Contains($" run --job {job}", status.Out, StringComparison.Ordinal);
        Assert.Equal(["job.json"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task RunWithAnInvalidJobSpecNamesTheFieldAndExitsTwo()
    {
        using var dir = new TempDirectory("cli-run-bad");
        var job = dir.File("job.json");
        await File.WriteAllTextAsync(job, """{ "name": "bad", "source": { "host": "127.0.0.1", "port": 99999, "user": "x" }, "tables": { "include": ["a.*"] }, "target": { "root": "./lake" } }""");
        var run = await CliRunner.RunAsync("run", "--snapshot-only", "--job", job, "--state", Path.Combine(dir.Path, "state"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("$.source.port", run.Error + run.Out, StringComparison.Ordinal);
    }
}
