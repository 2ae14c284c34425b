using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Durable;
using Serverless.Testing;

namespace Serverless.Functions.Tests;

/// <summary>
/// The whole path a user takes on Azure, minus the Functions host: the job API's HTTP functions (real ASP.NET Core
/// requests) create and start a job, and the app's own StartJob orchestrator and activity functions, registered on
/// InProcessTestHost, snapshot the local MariaDB while GET reports progress, then the outcome.
/// </summary>
public sealed class JobApiOnTheRealStartJobTests
{
    [Fact]
    public async Task PutStartAndGetThroughTheApiSnapshotEveryTableWithTheAppsStartJobFunctions()
    {
        await using var db = await SourceDatabase.CreateAsync("func_it_apirun");
        await db.Admin.ExecuteAsync("CREATE TABLE customers (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL)");
        await db.Admin.ExecuteAsync("INSERT INTO customers SELECT seq, CONCAT('c', seq) FROM seq_1_to_1800");
        await db.Admin.ExecuteAsync("CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, customer INT NOT NULL)");
        await db.Admin.ExecuteAsync("INSERT INTO orders SELECT seq, seq % 1800 FROM seq_1_to_3100");
        using var folder = new TempDirectory("serverless-functions-apirun");
        File.WriteAllText(folder.File("password"), LocalDependencies.MariaDbAdmin.Password);
        using var worker = StartJobFunctionsOnTestHostTests.WorkerHost(folder.File("state"));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var activities = ActivatorUtilities.CreateInstance<StartJobActivityFunctions>(worker.Services);
        var api = ActivatorUtilities.CreateInstance<JobApiFunctions>(worker.Services);
        await using var host = await DurableTaskTestHost.StartAsync(
            registry => StartJobFunctionsOnTestHostTests.Register(registry, activities, worker.Services, deadline.Token),
            new DurableTaskTestHostOptions { Port = LoopbackPorts.Free() });

        var put = await JobApiHarness.CallAsync("PUT", "/api/jobs/apishop", StartJobFunctionsOnTestHostTests.Spec(db.Name, folder, "apishop"), (r, ct) => api.PutJobAsync(r, "apishop", host.Client, ct));
        var start = await JobApiHarness.CallAsync("POST", "/api/jobs/apishop/start", null, (r, ct) => api.StartJobAsync(r, "apishop", host.Client, ct));
        var done = await host.Client.WaitForInstanceCompletionAsync(JobApiHarness.InstanceIdOf("apishop"), getInputsAndOutputs: true, deadline.Token);
        var status = await JobApiHarness.CallAsync("GET", "/api/jobs/apishop", null, (r, ct) => api.GetJobAsync(r, "apishop", host.Client, ct));

        Assert.Equal(201, put.Status);
        Assert.Equal(202, start.Status);
        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ToString());
        Assert.Equal(200, status.Status);
        Assert.Equal("Completed", status.Text("status"));
        Assert.Equal("Completed", status.Text("phase"));
        var tables = status.Body.GetProperty("tables").EnumerateArray()
            .Select(t => (Table: t.GetProperty("sourceTable").GetString(), Complete: t.GetProperty("complete").GetBoolean(), Rows: RowsOf(t)))
            .OrderBy(t => t.Table, StringComparer.Ordinal)
            .ToList();
        Assert.Equal([($"{db.Name}.customers", true, 1800L), ($"{db.Name}.orders", true, 3100L)], tables);
        Assert.False(status.Body.TryGetProperty("lastError", out var error) && error.ValueKind != System.Text.Json.JsonValueKind.Null, status.ToString());
    }

    private static long RowsOf(System.Text.Json.JsonElement table) =>
        table.TryGetProperty("run", out var run) && run.TryGetProperty("rowsCommitted", out var rows) ? rows.GetInt64()
        : table.GetProperty("state").GetProperty("rowsCommitted").GetInt64();
}
