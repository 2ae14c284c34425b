using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serverless.Cdc.Hosting;
using Serverless.Cdc.JobCatalog;
using Serverless.Functions.Durable;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.StartJob;
using Serverless.Testing;

namespace Serverless.Functions.Tests;

/// <summary>
/// The function app's StartJob orchestrator function and its eight activity functions, registered on InProcessTestHost
/// (the SDK's worker and replay engine) exactly under the names the app declares, with the worker's own container
/// (FunctionAppServices) and a job spec stored through the catalog as the API stores it; the source is the local MariaDB.
/// </summary>
public sealed class StartJobFunctionsOnTestHostTests
{
    private static readonly int[] TableRows = [2500, 1200];

    [Fact]
    public async Task StartJobThroughTheAppsFunctionsSnapshotsEveryTableOfTheStoredSpec()
    {
        await using var db = await SourceDatabase.CreateAsync("func_it_startjob");
        for (var t = 0; t < TableRows.Length; t++)
        {
            await db.Admin.ExecuteAsync($"CREATE TABLE t{t} (id INT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL)");
            await db.Admin.ExecuteAsync($"INSERT INTO t{t} SELECT seq, CONCAT('row ', seq) FROM seq_1_to_{TableRows[t]}");
        }

        using var folder = new TempDirectory("serverless-functions-startjob");
        File.WriteAllText(folder.File("password"), LocalDependencies.MariaDbAdmin.Password);
        using var worker = WorkerHost(folder.File("state"));
        await worker.Services.GetRequiredService<JobSpecCatalog>().PutAsync("fnshop", Spec(db.Name, folder));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var activities = ActivatorUtilities.CreateInstance<StartJobActivityFunctions>(worker.Services);

        await using var host = await DurableTaskTestHost.StartAsync(
            registry => Register(registry, activities, worker.Services, deadline.Token),
            new DurableTaskTestHostOptions { Port = LoopbackPorts.Free() });
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(StartJobOrchestrator.Name, new StartJobInput("fnshop", 2, 1000, 2), deadline.Token);
        var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, deadline.Token);

        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ToString());
        var result = done.ReadOutputAs<StartJobResult>()!;
        Assert.Equal(StartJobOutcome.Completed, result.Outcome);
        Assert.Equal(
            TableRows.Select(rows => (Rows: (long)rows, AllChunksCommitted: true, SeveralChunks: true)),
            result.Tables.Select(t => (Rows: t.RowsCommitted, AllChunksCommitted: t.Complete && t.ChunksCommitted == t.ChunksTotal, SeveralChunks: t.ChunksTotal > 1)));
        Assert.Equal(TableRows.Length, Directory.GetDirectories(folder.File("lake"), "_delta_log", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public async Task AnActivityForAJobWithoutAStoredSpecFailsPermanentlySoStartJobDoesNotRetryIt()
    {
        using var folder = new TempDirectory("serverless-functions-nospec");
        using var worker = WorkerHost(folder.File("state"));
        var activities = ActivatorUtilities.CreateInstance<StartJobActivityFunctions>(worker.Services);

        var failure = await Assert.ThrowsAsync<PermanentActivityFailureException>(
            () => activities.PreflightAsync("ghost", "startjob-ghost", new WorkerFunctionContext(worker.Services, ActivityNames.Preflight, CancellationToken.None)));

        Assert.Contains("PUT /api/jobs/ghost", failure.Message, StringComparison.Ordinal);
    }

    internal static IHost WorkerHost(string stateFolder)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>(AppSettingNames.StateTableUrl, stateFolder)]);
        return FunctionAppServices.Configure(builder).Build();
    }

    /// <summary>Each function under the name its [Function] attribute gives it, called as the host would call it.</summary>
    internal static void Register(DurableTaskRegistry registry, StartJobActivityFunctions f, IServiceProvider services, CancellationToken ct)
    {
        WorkerFunctionContext Context(string name) => new(services, name, ct);
        registry
            .AddOrchestratorFunc<StartJobInput, StartJobResult>(StartJobOrchestrator.Name, async (context, _) => await StartJobOrchestratorFunction.RunAsync(context))
            .AddActivityFunc<string, PreflightOutcome>(ActivityNames.Preflight, async (c, job) => await f.PreflightAsync(job!, c.InstanceId, Context(c.Name)))
            .AddActivityFunc<string, Orchestrations.Jobs.StartPosition>(ActivityNames.RecordStartPosition, async (c, job) => await f.RecordStartPositionAsync(job!, c.InstanceId, Context(c.Name)))
            .AddActivityFunc<string, IReadOnlyList<Cdc.Schema.SourceTable>>(ActivityNames.DiscoverTables, async (c, job) => await f.DiscoverTablesAsync(job!, c.InstanceId, Context(c.Name)))
            .AddActivityFunc<MigrateTableInput, TableMigration>(ActivityNames.MigrateTable, async (c, input) => await f.MigrateTableAsync(input!, c.InstanceId, Context(c.Name)))
            .AddActivityFunc<PlanChunksInput, IReadOnlyList<Cdc.Snapshot.SnapshotChunk>>(ActivityNames.PlanChunks, async (c, input) => await f.PlanChunksAsync(input!, c.InstanceId, Context(c.Name)))
            .AddActivityFunc<ReadChunkInput, Cdc.Snapshot.ChunkReadResult>(ActivityNames.ReadChunk, async (c, input) => await f.ReadChunkAsync(input!, c.InstanceId, Context(c.Name)))
            .AddActivityFunc<CommitChunksInput, Orchestrations.Lake.SnapshotCommitResult>(ActivityNames.CommitChunks, async (c, input) => await f.CommitChunksAsync(input!, c.InstanceId, Context(c.Name)))
            .AddActivityFunc<CompleteTableSnapshotInput, bool>(ActivityNames.CompleteTableSnapshot, async (c, input) => await f.CompleteTableSnapshotAsync(input!, c.InstanceId, Context(c.Name)));
    }

    internal static string Spec(string database, TempDirectory folder, string name = "fnshop") => $$"""
        {
          "name": "{{name}}",
          "source": { "host": "{{LocalDependencies.MariaDbHost}}", "port": {{LocalDependencies.MariaDbPort}}, "user": "{{LocalDependencies.MariaDbAdmin.User}}", "password": "file:{{folder.File("password")}}", "tls": "disabled" },
          "tables": { "include": ["{{database}}.*"] },
          "target": { "root": "{{folder.File("lake")}}" },
          "snapshot": { "parallelism": 2, "chunkRows": 1000 }
        }
        """;
}
