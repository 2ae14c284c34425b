using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Cdc.Hosting;
using Serverless.Orchestrations.Hosting;
using Serverless.Orchestrations.JobApi;
using Serverless.Storage.State;
using Serverless.Testing;

namespace Serverless.Functions.Tests;

/// <summary>
/// The function app's HTTP functions as the worker builds them (services from AddServerlessCdc over a local state
/// folder), called with real ASP.NET Core requests and the DurableTaskClient of an InProcessTestHost.
/// </summary>
internal sealed class JobApiHarness : IAsyncDisposable
{
    private readonly TempDirectory folder;
    private readonly DurableTaskTestHost host;
    private readonly ServiceProvider services;

    private JobApiHarness(TempDirectory folder, DurableTaskTestHost host, ServiceProvider services)
    {
        this.folder = folder;
        this.host = host;
        this.services = services;
        Functions = ActivatorUtilities.CreateInstance<JobApiFunctions>(services);
    }

    public JobApiFunctions Functions { get; }

    public DurableTaskClient Client => host.Client;

    public IStateStore State => services.GetRequiredService<IStateStore>();

    public string StateFolder => folder.Path;

    public static async Task<JobApiHarness> StartAsync()
    {
        var folder = new TempDirectory("serverless-functions-tests");
        var host = await StartTestHostAsync();
        var services = new ServiceCollection()
            .AddLogging()
            .AddServerlessCdc(ServerlessCdcOptions.FromAppSettings(name => name == AppSettingNames.StateTableUrl ? folder.Path : null))
            .BuildServiceProvider();
        return new JobApiHarness(folder, host, services);
    }

    private static Task<DurableTaskTestHost> StartTestHostAsync() =>
        LoopbackPorts.StartAsync(port => DurableTaskTestHost.StartAsync(StandInStartJob.Register, new DurableTaskTestHostOptions { Port = port }));

    public static string InstanceIdOf(string job) => JobRunner.InstanceIdFor(job);

    /// <summary>A valid spec for an Azure deployment: the password is an app-setting reference, the lake a Blob URL.</summary>
    public static string Spec(string name, int parallelism = 6, long chunkRows = 100_000) => $$"""
        {
          // comments are allowed, as in a spec file
          "name": "{{name}}",
          "source": { "host": "mysql.example.internal", "port": 3306, "user": "cdc_repl", "password": "env:CDC_SOURCE_PASSWORD" },
          "tables": { "include": ["shop.*"] },
          "target": { "root": "https://lakeacct.blob.core.windows.net/lake/shop" },
          "snapshot": { "parallelism": {{parallelism}}, "chunkRows": {{chunkRows}} },
        }
        """;

    public Task<ApiAnswer> PutAsync(string name, string body) =>
        CallAsync("PUT", $"/api/jobs/{name}", body, (request, ct) => Functions.PutJobAsync(request, name, Client, ct));

    public Task<ApiAnswer> ListAsync() =>
        CallAsync("GET", "/api/jobs", null, (request, ct) => Functions.ListJobsAsync(request, Client, ct));

    public Task<ApiAnswer> GetAsync(string name) =>
        CallAsync("GET", $"/api/jobs/{name}", null, (request, ct) => Functions.GetJobAsync(request, name, Client, ct));

    public Task<ApiAnswer> StartAsync(string name) =>
        CallAsync("POST", $"/api/jobs/{name}/start", null, (request, ct) => Functions.StartJobAsync(request, name, Client, ct));

    public Task<ApiAnswer> StopAsync(string name) =>
        CallAsync("POST", $"/api/jobs/{name}/stop", null, (request, ct) => Functions.StopJobAsync(request, name, Client, ct));

    public Task<ApiAnswer> DeleteAsync(string name) =>
        CallAsync("DELETE", $"/api/jobs/{name}", null, (request, ct) => Functions.DeleteJobAsync(request, name, Client, ct));

    /// <summary>Waits (bounded) until the job's instance satisfies <paramref name="condition"/>; the backend runs episodes on its own threads.</summary>
    public async Task<OrchestrationMetadata> WaitForInstanceAsync(string job, Func<OrchestrationMetadata, bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        OrchestrationMetadata? last = null;
        try
        {
            while (true)
            {
                last = await Client.GetInstanceAsync(InstanceIdOf(job), getInputsAndOutputs: true, timeout.Token);
                if (last is not null && condition(last))
                {
                    return last;
                }

                await Task.Delay(20, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"The instance of job {job} did not reach the expected state in 60 s; last seen: {last?.RuntimeStatus.ToString() ?? "none"}.");
        }
    }

    /// <summary>Waits until the stand-in StartJob has published its custom status (it then waits for its finish event).</summary>
    public Task<OrchestrationMetadata> WaitUntilRunningAsync(string job) =>
        WaitForInstanceAsync(job, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Running && m.SerializedCustomStatus is not null);

    /// <summary>Creates the job with <see cref="Spec"/>, starts it and waits until the stand-in StartJob runs.</summary>
    public async Task<OrchestrationMetadata> CreateAndStartAsync(string job)
    {
        Assert.Equal(201, (await PutAsync(job, Spec(job))).Status);
        Assert.Equal(202, (await StartAsync(job)).Status);
        return await WaitUntilRunningAsync(job);
    }

    public async Task FinishAsync(string job, string outcome)
    {
        await Client.RaiseEventAsync(InstanceIdOf(job), StandInStartJob.FinishEvent, outcome);
        await Client.WaitForInstanceCompletionAsync(InstanceIdOf(job), getInputsAndOutputs: false);
    }

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        await host.DisposeAsync();
        folder.Dispose();
    }

    internal static async Task<ApiAnswer> CallAsync(string method, string path, string? body, Func<HttpRequest, CancellationToken, Task<IActionResult>> function)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("cdc-func.azurewebsites.net");
        context.Request.Path = path;
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Request.ContentType = "application/json";
            context.Request.ContentLength = bytes.Length;
            context.Request.Body = new MemoryStream(bytes);
        }

        var result = Assert.IsType<ContentResult>(await function(context.Request, context.RequestAborted));
        using var document = JsonDocument.Parse(result.Content!);
        return new ApiAnswer(result.StatusCode!.Value, result.ContentType, document.RootElement.Clone());
    }
}
