using Microsoft.DurableTask.Client;
using Serverless.Orchestrations.Jobs;
using Serverless.Orchestrations.StartJob;

namespace Serverless.Functions.Tests;

/// <summary>
/// Start, stop, status and delete through the official DurableTaskClient of InProcessTestHost, with a stand-in
/// registered under StartJob's name (<see cref="StandInStartJob"/>) whose status and outcome the test sets, so every
/// answer of the API is reachable without a source; the real StartJob's functions run in <see cref="StartJobFunctionsOnTestHostTests"/>.
/// </summary>
public sealed class JobRunEndpointsOnStandInStartJobTests
{
    [Fact]
    public async Task StartSchedulesStartJobOnTheStandInWithTheSpecsSettingsUnderTheJobsInstanceId()
    {
        await using var api = await JobApiHarness.StartAsync();
        await api.PutAsync("shop", JobApiHarness.Spec("shop", parallelism: 3, chunkRows: 50_000));

        var started = await api.StartAsync("shop");
        var instance = await api.WaitUntilRunningAsync("shop");

        Assert.Equal(202, started.Status);
        Assert.Equal("Job shop started.", started.Text("message"));
        Assert.Equal(StartJobOrchestrator.Name, instance.Name);
        var input = instance.ReadInputAs<StartJobInput>()!;
        Assert.Equal(new StartJobInput("shop", 3, 50_000, 4) with { PlanWhileMigrating = true }, input);
    }

    [Fact]
    public async Task GetOfARunningJobShowsPhaseAndPerTableProgressFromTheCustomStatus()
    {
        await using var api = await JobApiHarness.StartAsync();
        await api.CreateAndStartAsync("shop");

        var status = await api.GetAsync("shop");

        Assert.Equal("Running", status.Text("status"));
        Assert.Equal("Snapshotting", status.Text("phase"));
        var table = Assert.Single(status.Body.GetProperty("tables").EnumerateArray());
        Assert.Equal("shop.orders", table.GetProperty("sourceTable").GetString());
        Assert.False(table.GetProperty("complete").GetBoolean());
        Assert.False(table.TryGetProperty("state", out _));
        var run = table.GetProperty("run");
        Assert.Equal(4, run.GetProperty("chunksTotal").GetInt32());
        Assert.Equal(2, run.GetProperty("chunksRead").GetInt32());
        Assert.Equal(250, run.GetProperty("rowsCommitted").GetInt64());
    }

    [Fact]
    public async Task StartOfARunningJobIsAConflict()
    {
        await using var api = await JobApiHarness.StartAsync();
        await api.CreateAndStartAsync("shop");

        var again = await api.StartAsync("shop");

        Assert.Equal(409, again.Status);
        Assert.StartsWith("Job shop is already running", again.Text("error"), StringComparison.Ordinal);
        Assert.Contains("POST /api/jobs/shop/stop", again.Text("fix"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopSuspendsTheRunAndStartResumesTheSameInstanceToCompletion()
    {
        await using var api = await JobApiHarness.StartAsync();
        var first = await api.CreateAndStartAsync("shop");

        var stop = await api.StopAsync("shop");
        await api.WaitForInstanceAsync("shop", m => m.RuntimeStatus == OrchestrationRuntimeStatus.Suspended);
        var stopped = await api.GetAsync("shop");
        var stopAgain = await api.StopAsync("shop");
        var resume = await api.StartAsync("shop");
        await api.WaitForInstanceAsync("shop", m => m.RuntimeStatus == OrchestrationRuntimeStatus.Running);
        await api.FinishAsync("shop", StandInStartJob.Complete);
        var done = await api.GetAsync("shop");

        Assert.Equal(202, stop.Status);
        Assert.Equal("Stopped", stopped.Text("status"));
        Assert.Equal(200, stopAgain.Status);
        Assert.Equal(202, resume.Status);
        Assert.StartsWith("Job shop resumes where it stopped", resume.Text("message"), StringComparison.Ordinal);
        Assert.Equal("Completed", done.Text("status"));
        Assert.Equal("Completed", done.Text("phase"));
        Assert.Equal(first.CreatedAt, done.Body.GetProperty("createdAt").GetDateTimeOffset());
        var table = Assert.Single(done.Body.GetProperty("tables").EnumerateArray());
        Assert.True(table.GetProperty("complete").GetBoolean());
        Assert.Equal(1000, table.GetProperty("run").GetProperty("rowsCommitted").GetInt64());
        Assert.Equal("mariadb-bin.000007", done.Body.GetProperty("startPosition").GetProperty("binlogFile").GetString());
    }

    [Fact]
    public async Task StartOfACompletedJobIsAConflictThatSaysThereIsNothingToDo()
    {
        await using var api = await JobApiHarness.StartAsync();
        await api.CreateAndStartAsync("shop");
        await api.FinishAsync("shop", StandInStartJob.Complete);

        var again = await api.StartAsync("shop");

        Assert.Equal(409, again.Status);
        Assert.Contains("already completed its snapshot", again.Text("error"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopOfAJobThatIsNotRunningIsAConflict()
    {
        await using var api = await JobApiHarness.StartAsync();
        await api.PutAsync("shop", JobApiHarness.Spec("shop"));

        var stop = await api.StopAsync("shop");

        Assert.Equal(409, stop.Status);
        Assert.Equal("Job shop is not running (status NotStarted).", stop.Text("error"));
    }

    [Fact]
    public async Task FailedRunReportsItsCauseAndStartBeginsAFreshInstance()
    {
        await using var api = await JobApiHarness.StartAsync();
        var first = await api.CreateAndStartAsync("shop");
        await api.FinishAsync("shop", StandInStartJob.Fail);

        var failed = await api.GetAsync("shop");
        var restart = await api.StartAsync("shop");
        var second = await api.WaitUntilRunningAsync("shop");

        Assert.Equal("Failed", failed.Text("status"));
        Assert.Equal("Failed", failed.Text("phase"));
        Assert.Contains(StandInStartJob.FailureMessage, failed.Text("lastError"), StringComparison.Ordinal);
        Assert.Equal(202, restart.Status);
        Assert.StartsWith("Job shop starts over after its Failed run", restart.Text("message"), StringComparison.Ordinal);
        Assert.True(second.CreatedAt >= first.CreatedAt);
        Assert.Null(second.FailureDetails);
    }

    [Fact]
    public async Task PreflightFailureListsEveryProblemWithItsFix()
    {
        await using var api = await JobApiHarness.StartAsync();
        await api.CreateAndStartAsync("shop");
        await api.FinishAsync("shop", StandInStartJob.PreflightFails);

        var status = await api.GetAsync("shop");

        Assert.Equal("PreflightFailed", status.Text("status"));
        Assert.Equal([StandInStartJob.Problem.ToString()], status.Body.GetProperty("problems").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task GetShowsTheJobStateStoresTablesAndStartPosition()
    {
        await using var api = await JobApiHarness.StartAsync();
        await api.PutAsync("shop", JobApiHarness.Spec("shop"));
        var state = new JobStateStore(api.State, "shop");
        await state.RecordStartPositionAsync(StandInStartJob.Position);
        await state.SaveTableAsync(new TableSnapshotState
        {
            SourceTable = "shop.customers",
            LakeTable = "shop_customers",
            Phase = TablePhase.SnapshotComplete,
            Chunks = 3,
            Rows = 30_000,
            Files = 2,
            Bytes = 1_048_576,
            LakeVersion = 4,
            CompletedAtUtc = new DateTime(2026, 12, 6, 6, 30, 0, DateTimeKind.Utc),
        });

        var status = await api.GetAsync("shop");

        var table = Assert.Single(status.Body.GetProperty("tables").EnumerateArray());
        Assert.Equal("shop_customers", table.GetProperty("lakeTable").GetString());
        Assert.True(table.GetProperty("complete").GetBoolean());
        var stored = table.GetProperty("state");
        Assert.Equal("SnapshotComplete", stored.GetProperty("phase").GetString());
        Assert.Equal(30_000, stored.GetProperty("rows").GetInt64());
        Assert.Equal(4, stored.GetProperty("lakeVersion").GetInt64());
        var position = status.Body.GetProperty("startPosition");
        Assert.Equal(1234, position.GetProperty("offset").GetInt64());
        Assert.Equal("0-1-42", position.GetProperty("gtid").GetString());
    }

    [Fact]
    public async Task ReplacingTheSpecOfARunningJobIsAConflict()
    {
        await using var api = await JobApiHarness.StartAsync();
        await api.PutAsync("shop", JobApiHarness.Spec("shop", parallelism: 2));
        await api.StartAsync("shop");
        await api.WaitUntilRunningAsync("shop");

        var replace = await api.PutAsync("shop", JobApiHarness.Spec("shop", parallelism: 8));

        Assert.Equal(409, replace.Status);
        Assert.Equal(2, (await api.GetAsync("shop")).Body.GetProperty("spec").GetProperty("snapshot").GetProperty("parallelism").GetInt32());
    }

    [Fact]
    public async Task DeleteOfARunningJobIsAConflictAndKeepsIt()
    {
        await using var api = await JobApiHarness.StartAsync();
        await api.CreateAndStartAsync("shop");

        var delete = await api.DeleteAsync("shop");

        Assert.Equal(409, delete.Status);
        Assert.Contains("POST /api/jobs/shop/stop", delete.Text("fix"), StringComparison.Ordinal);
        Assert.Equal(200, (await api.GetAsync("shop")).Status);
    }

    [Fact]
    public async Task DeleteOfAStoppedJobTerminatesAndPurgesItsInstanceAndRemovesTheSpec()
    {
        await using var api = await JobApiHarness.StartAsync();
        await api.CreateAndStartAsync("shop");
        await api.StopAsync("shop");
        await api.WaitForInstanceAsync("shop", m => m.RuntimeStatus == OrchestrationRuntimeStatus.Suspended);

        var delete = await api.DeleteAsync("shop");

        Assert.Equal(200, delete.Status);
        Assert.Equal(404, (await api.GetAsync("shop")).Status);
        Assert.Null(await api.Client.GetInstanceAsync(JobApiHarness.InstanceIdOf("shop")));
        Assert.Empty((await api.ListAsync()).Body.EnumerateArray());
    }
}
