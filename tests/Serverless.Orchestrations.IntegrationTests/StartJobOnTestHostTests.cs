using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Durable.History;
using Serverless.Durable.Replay;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.Hosting;
using Serverless.Orchestrations.Jobs;
using Serverless.Orchestrations.StartJob;
using Serverless.Storage.Local;
using Serverless.Storage.State;
using Serverless.Testing;

namespace Serverless.Orchestrations.IntegrationTests;

/// <summary>
/// StartJob and its activities, registered by the same <see cref="OrchestrationRegistry.AddStartJob"/>, on
/// InProcessTestHost: the SDK's own worker and replay engine, which replays the whole history on every episode (it has
/// no extended sessions), so any non-deterministic step in StartJob fails the instance there. And StartJob's history
/// from our runtime, replayed by our engine: the same result, while an orchestrator that would call its activities in
/// another order is caught as non-deterministic on that history.
/// </summary>
public sealed class StartJobOnTestHostTests
{
    private static readonly int[] TableRows = [2500, 4200];

    [Fact]
    public async Task StartJobSnapshotsEveryTableOnTheSdkTestHostReplayingEveryEpisode()
    {
        await using var db = await CreateSourceAsync("orch_it_testhost");
        using var dir = new TempDirectory("orch-it-testhost");
        var lake = Path.Combine(dir.Path, "lake");
        var specPath = TestJobs.WriteSpec(dir.Path, "testhost", [db.Name + ".*"], lake, parallelism: 2, chunkRows: 1000);
        var spec = JobSpecFile.Load(specPath);
        var environment = new JobEnvironment(spec, new LocalFolderObjectStore(lake), new LocalFolderStateStore(Path.Combine(dir.Path, "state", "jobs")));

        await using var host = await LoopbackPorts.StartAsync(port => DurableTaskTestHost.StartAsync(
            registry => registry.AddStartJob(),
            new DurableTaskTestHostOptions { Port = port, ConfigureServices = services => services.AddSingleton(environment) }));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(
            StartJobOrchestrator.Name, new StartJobInput(spec.Name, 2, 1000, 2), deadline.Token);
        var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, deadline.Token);

        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ToString());
        var result = done.ReadOutputAs<StartJobResult>()!;
        Assert.Equal(StartJobOutcome.Completed, result.Outcome);
        Assert.Equal(TableRows.Select(r => (long)r), result.Tables.Select(t => t.RowsCommitted));
        Assert.All(result.Tables, t => Assert.True(t.Complete && t.ChunksCommitted == t.ChunksTotal && t.ChunksTotal > 1, t.ToString()));
        Assert.Equal(JobPhase.Completed, done.ReadCustomStatusAs<SnapshotStatus>()!.Phase);
    }

    [Fact]
    public async Task StartJobHistoryFromTheEmbeddedRuntimeReplaysToTheSameResultAndCatchesAChangedOrder()
    {
        await using var db = await CreateSourceAsync("orch_it_replay");
        using var dir = new TempDirectory("orch-it-replay");
        var lake = Path.Combine(dir.Path, "lake");
        var state = Path.Combine(dir.Path, "state");
        var ledger = Path.Combine(dir.Path, "ledger.txt");
        File.WriteAllText(ledger, string.Empty);
        var specPath = TestJobs.WriteSpec(dir.Path, "replay", [db.Name + ".*"], lake, parallelism: 2, chunkRows: 1000);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var progress = new RecordingProgress();
        var exit = await JobRunner.RunAsync(specPath, TestJobs.RunnerOptions(state, ledger, TimeSpan.Zero), progress, timeout.Token);
        Assert.True(exit == JobExitCodes.Success, $"exit {exit}: {progress.Last.Message}");

        await using var jobHost = JobHost.ForStatus(JobSpecFile.Load(specPath), specPath, state);
        var history = await jobHost.Runtime.Client.GetHistoryAsync(jobHost.InstanceId);
        var recorded = history.OfType<ExecutionCompletedEvent>().Single();

        // A fresh orchestrator replays the whole recorded history (as after a restart) and decides exactly what history says.
        var replay = new OrchestrationExecutor().Execute(new StartJobOrchestrator(), StartJobOrchestrator.Name, history, []);
        Assert.Equal(OrchestrationStatus.Completed, replay.Completion?.Status);
        Assert.Equal(recorded.Result, replay.Completion!.Result);

        // Code that schedules its first calls in another order is stopped at the first mismatch, not mixed with history.
        var changed = new OrchestrationExecutor().Execute(new DiscoverFirstOrchestrator(), StartJobOrchestrator.Name, history, []);
        Assert.Equal(OrchestrationStatus.Failed, changed.Completion?.Status);
        Assert.Equal(typeof(NonDeterministicOrchestrationException).FullName, changed.Completion!.FailureDetails!.ErrorType);
    }

    private static async Task<SourceDatabase> CreateSourceAsync(string name)
    {
        var db = await SourceDatabase.CreateAsync(name);
        for (var t = 0; t < TableRows.Length; t++)
        {
            await db.Admin.ExecuteAsync($"CREATE TABLE t{t} (id INT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL)");
            await db.Admin.ExecuteAsync($"INSERT INTO t{t} SELECT seq, CONCAT('row ', seq) FROM seq_1_to_{TableRows[t]}");
        }

        return db;
    }

    /// <summary>StartJob's first step moved: it discovers tables before the preflight that history records first.</summary>
    private sealed class DiscoverFirstOrchestrator : TaskOrchestrator<StartJobInput, StartJobResult>
    {
        public override async Task<StartJobResult> RunAsync(TaskOrchestrationContext context, StartJobInput input)
        {
            await context.CallActivityAsync<List<Cdc.Schema.SourceTable>>(ActivityNames.DiscoverTables, input.JobName);
            return new StartJobResult { Outcome = StartJobOutcome.Completed };
        }
    }
}
