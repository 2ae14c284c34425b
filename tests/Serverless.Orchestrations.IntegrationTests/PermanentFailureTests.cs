using Microsoft.DurableTask;
using Serverless.Durable.History;
using Serverless.Durable.Runtime;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.Hosting;
using Serverless.Orchestrations.StartJob;

namespace Serverless.Orchestrations.IntegrationTests;

/// <summary>
/// Failures retrying cannot fix end the run at once: at preflight as problems with exit code 3, later as a failure
/// after a single attempt. Attempts are counted in the orchestration's history (one TaskScheduled event per attempt),
/// never by timing.
/// </summary>
public sealed class PermanentFailureTests
{
    [Fact]
    public async Task WrongPasswordFailsPreflightInOneAttemptWithExitThree()
    {
        await using var db = await SourceWithOneTableAsync("orch_it_badpw");
        using var dir = new TempDirectory("orch-it-badpw");
        var lake = Path.Combine(dir.Path, "lake");
        var spec = TestJobs.WriteSpec(dir.Path, "badpw", [db.Name + ".*"], lake, password: "not-the-password");
        var state = Path.Combine(dir.Path, "state");
        var progress = new RecordingProgress();

        var exit = await JobRunner.RunAsync(spec, new JobRunnerOptions { StateFolder = state, SnapshotOnly = true }, progress, CancellationToken.None);

        Assert.Equal(JobExitCodes.PreflightFailed, exit);
        Assert.Equal(JobPhase.PreflightFailed, progress.Last.Phase);
        var problem = Assert.Single(progress.Last.Problems);
        Assert.StartsWith("[SourceAccess] user serverless at ", problem, StringComparison.Ordinal);
        Assert.Contains("Access denied for user 'serverless'", problem, StringComparison.Ordinal);
        Assert.Contains("Fix: check source.user and source.password", problem, StringComparison.Ordinal);
        Assert.Equal(1, await AttemptsAsync(state, "badpw", ActivityNames.Preflight));
        Assert.False(Directory.Exists(lake), "The target probe must not leave the lake folder behind when preflight fails.");
    }

    [Fact]
    public async Task LakeUnderARegularFileFailsPreflightInOneAttemptAndNoTableIsMigrated()
    {
        await using var db = await SourceWithOneTableAsync("orch_it_notdir");
        using var dir = new TempDirectory("orch-it-notdir");
        var file = await RegularFileAsync(dir);
        var spec = TestJobs.WriteSpec(dir.Path, "notdir", [db.Name + ".*"], Path.Combine(file, "lake"));
        var state = Path.Combine(dir.Path, "state");
        var progress = new RecordingProgress();

        var exit = await JobRunner.RunAsync(spec, new JobRunnerOptions { StateFolder = state, SnapshotOnly = true }, progress, CancellationToken.None);

        Assert.Equal(JobExitCodes.PreflightFailed, exit);
        var problem = Assert.Single(progress.Last.Problems);
        Assert.Equal(
            $"[LakeTarget] target.root: cannot write to the lake target {Path.Combine(file, "lake")}: '{file}' is a regular file, not a folder. " +
            $"Fix: move or delete the file '{file}', or point target.root elsewhere.",
            problem);
        Assert.Equal(1, await AttemptsAsync(state, "notdir", ActivityNames.Preflight));
        Assert.Equal(0, await AttemptsAsync(state, "notdir", ActivityNames.MigrateTable));
    }

    [Fact]
    public async Task StateFolderBesideALakeUnderARegularFileIsAPreflightProblemToo()
    {
        await using var db = await SourceWithOneTableAsync("orch_it_nostate");
        using var dir = new TempDirectory("orch-it-nostate");
        var file = await RegularFileAsync(dir);
        var spec = TestJobs.WriteSpec(dir.Path, "nostate", [db.Name + ".*"], Path.Combine(file, "lake"));
        var progress = new RecordingProgress();

        // No state folder given: it goes beside the lake, under the same file.
        var exit = await JobRunner.RunAsync(spec, new JobRunnerOptions { SnapshotOnly = true }, progress, CancellationToken.None);

        Assert.Equal(JobExitCodes.PreflightFailed, exit);
        Assert.Equal(JobPhase.PreflightFailed, progress.Last.Phase);
        Assert.Collection(
            progress.Last.Problems,
            state => Assert.StartsWith($"[StateFolder] --state: cannot write to the state folder {Path.Combine(file, ".serverless-state")}: '{file}' is a regular file", state, StringComparison.Ordinal),
            lake => Assert.StartsWith("[LakeTarget] target.root:", lake, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadOnlyStateFolderIsAPreflightProblem()
    {
        await using var db = await SourceWithOneTableAsync("orch_it_rostate");
        await using var immutable = await ImmutableDirectory.CreateAsync("orch-it-rostate");
        using var dir = new TempDirectory("orch-it-rostate-job");
        var spec = TestJobs.WriteSpec(dir.Path, "rostate", [db.Name + ".*"], Path.Combine(dir.Path, "lake"));
        var progress = new RecordingProgress();

        var exit = await JobRunner.RunAsync(spec, new JobRunnerOptions { StateFolder = immutable.Path, SnapshotOnly = true }, progress, CancellationToken.None);

        Assert.Equal(JobExitCodes.PreflightFailed, exit);
        var problem = Assert.Single(progress.Last.Problems);
        Assert.Equal(
            $"[StateFolder] --state: cannot write to the state folder {immutable.Path}: the folder is read-only (permission denied). " +
            $"Fix: make '{immutable.Path}' writable for this user (chmod/chown; chattr -i if it is immutable), or run with --state naming a writable folder.",
            problem);
    }

    [Fact]
    public async Task APermanentLakeFailureAfterPreflightIsNotRetried()
    {
        await using var db = await SourceWithOneTableAsync("orch_it_tablefile");
        await db.Admin.ExecuteAsync("INSERT INTO t SELECT seq FROM seq_1_to_10");
        using var dir = new TempDirectory("orch-it-tablefile");
        var lake = Path.Combine(dir.Path, "lake");

        // The lake root is writable (preflight passes) but the table's folder is taken by a regular file.
        Directory.CreateDirectory(lake);
        var tableFile = Path.Combine(lake, db.Name + "_t");
        await File.WriteAllTextAsync(tableFile, "in the way");
        var spec = TestJobs.WriteSpec(dir.Path, "tablefile", [db.Name + ".*"], lake);
        var state = Path.Combine(dir.Path, "state");
        var progress = new RecordingProgress();

        var exit = await JobRunner.RunAsync(spec, new JobRunnerOptions { StateFolder = state, SnapshotOnly = true }, progress, CancellationToken.None);

        Assert.Equal(JobExitCodes.Failed, exit);
        Assert.Equal(JobPhase.Failed, progress.Last.Phase);
        Assert.Contains($"'{tableFile}' is a regular file, not a folder", progress.Last.Message, StringComparison.Ordinal);
        Assert.EndsWith("Retrying cannot help: fix that, then run the job again; completed work is kept.", progress.Last.Message, StringComparison.Ordinal);
        Assert.Equal(1, await AttemptsAsync(state, "tablefile", ActivityNames.MigrateTable));
    }

    private static async Task<SourceDatabase> SourceWithOneTableAsync(string name)
    {
        var db = await SourceDatabase.CreateAsync(name);
        await db.Admin.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY)");
        return db;
    }

    /// <summary>A regular file where a test then puts the lake (or the state folder) underneath.</summary>
    private static async Task<string> RegularFileAsync(TempDirectory dir)
    {
        var file = dir.File("occupied");
        await File.WriteAllTextAsync(file, "a file, not a folder");
        return file;
    }

    /// <summary>How many times the job's orchestration scheduled <paramref name="activity"/> (each retry is a new task).</summary>
    private static async Task<int> AttemptsAsync(string stateFolder, string jobName, string activity)
    {
        var runtime = EmbeddedDurableRuntime.ForLocalFolder(JobHost.OrchestrationsFolder(stateFolder), new DurableTaskRegistry().AddStartJob());
        await using (runtime)
        {
            var history = await runtime.Client.GetHistoryAsync(JobRunner.InstanceIdFor(jobName));
            Assert.NotEmpty(history);
            return history.OfType<TaskScheduledEvent>().Count(e => e.Name == activity);
        }
    }
}
