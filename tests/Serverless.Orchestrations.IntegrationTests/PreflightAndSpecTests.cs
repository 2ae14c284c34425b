using Serverless.Orchestrations.Hosting;
using Serverless.Orchestrations.StartJob;
using Serverless.Testing;

namespace Serverless.Orchestrations.IntegrationTests;

public sealed class PreflightAndSpecTests
{
    [Fact]
    public async Task TableWithoutKeyAndNoOverrideFailsPreflightNamingTheTableAndTheFixAndWritesNothing()
    {
        await using var db = await SourceDatabase.CreateAsync("orch_it_nokey");
        await db.Admin.ExecuteAsync("CREATE TABLE events (at DATETIME NOT NULL, payload VARCHAR(100) NULL)");
        await db.Admin.ExecuteAsync("CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(20))");
        await db.Admin.ExecuteAsync("INSERT INTO events SELECT TIMESTAMP('2024-01-01') + INTERVAL seq MINUTE, CONCAT('e', seq) FROM seq_1_to_50");
        using var dir = new TempDirectory("orch-it-preflight");
        var lake = Path.Combine(dir.Path, "lake");
        var spec = TestJobs.WriteSpec(dir.Path, "nokey", [db.Name + ".*"], lake);
        var progress = new RecordingProgress();

        var exit = await JobRunner.RunAsync(spec, TestJobs.RunnerOptions(Path.Combine(dir.Path, "state"), Path.Combine(dir.Path, "ledger.txt"), TimeSpan.Zero), progress, CancellationToken.None);

        Assert.Equal(JobExitCodes.PreflightFailed, exit);
        var last = progress.Last;
        Assert.Equal(JobPhase.PreflightFailed, last.Phase);
        var problem = Assert.Single(last.Problems);
        Assert.Contains(db.Name + ".events", problem, StringComparison.Ordinal);
        Assert.Contains("no primary key", problem, StringComparison.Ordinal);
        Assert.Contains($"\"keys\": {{\"{db.Name}.events\"", problem, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(lake, db.Name + "_users")), "No lake table may be created when preflight fails.");

        // The fix (a key override) makes the next run go through: the failed instance is replaced, not resumed.
        var fixedSpec = TestJobs.WriteSpec(dir.Path, "nokey", [db.Name + ".*"], lake, new Dictionary<string, string[]> { [db.Name + ".events"] = ["at"] });
        var second = new RecordingProgress();
        Assert.Equal(JobExitCodes.Success, await JobRunner.RunAsync(fixedSpec, TestJobs.RunnerOptions(Path.Combine(dir.Path, "state"), Path.Combine(dir.Path, "ledger.txt"), TimeSpan.Zero), second, CancellationToken.None));
        Assert.Equal(50, second.Last.Tables.Single(t => t.SourceTable == db.Name + ".events").RowsCommitted);
    }

    [Fact]
    public async Task InvalidJobSpecExitsWithCodeTwoNamingEachFieldAndItsFix()
    {
        using var dir = new TempDirectory("orch-it-spec");
        var path = Path.Combine(dir.Path, "bad.json");
        await File.WriteAllTextAsync(path, """{ "name": "bad job!", "source": { "host": "db", "user": "u", "port": 70000 }, "tables": { "include": ["shop.*"] }, "target": { "root": "./lake" } }""");
        var progress = new RecordingProgress();

        var exit = await JobRunner.RunAsync(path, new JobRunnerOptions { StateFolder = Path.Combine(dir.Path, "state"), SnapshotOnly = true }, progress, CancellationToken.None);

        Assert.Equal(JobExitCodes.InvalidSpec, exit);
        Assert.Equal(JobPhase.InvalidSpec, progress.Last.Phase);
        Assert.Contains(progress.Last.Problems, p => p.StartsWith("$.source.port", StringComparison.Ordinal) && p.Contains("Fix:", StringComparison.Ordinal));
        Assert.Contains(progress.Last.Problems, p => p.StartsWith("$.name", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "state")), "An invalid spec must not create state.");
    }
}
