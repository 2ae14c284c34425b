using System.Text;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Durable.Runtime;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Durable.Tests;

/// <summary>
/// With a status write interval, episodes in between keep the newest custom status in memory: this process's client
/// sees it at once, the status object on the store lags until the next due write, and the ending episode always writes.
/// </summary>
public sealed class StatusWriteIntervalTests
{
    [Fact]
    public async Task StatusObjectIsWrittenOncePerIntervalWhileTheInProcessClientSeesEveryStatus()
    {
        using var folder = new TempDirectory("durable-status-interval");
        var store = new LocalFolderObjectStore(folder.Path);
        await using var runtime = HourlyStatusRuntime(store);
        await runtime.StartAsync();
        const string id = "counter";

        await runtime.Client.ScheduleNewOrchestrationInstanceAsync("Counter", "in", new StartOrchestrationOptions(id));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await runtime.Client.GetInstanceAsync(id, deadline.Token))?.SerializedCustomStatus != "\"waiting\"")
        {
            await Task.Delay(5, deadline.Token);
        }

        // Four episodes ran; only the first wrote the status object (the interval is an hour).
        Assert.Contains("step 1", await StatusObjectAsync(store, id), StringComparison.Ordinal);

        // A reader in another process gets what the store holds: the first status, and still a running instance.
        await using (var other = new EmbeddedDurableRuntime(new DurableTaskRegistry(), new LocalFolderObjectStore(folder.Path), new EmbeddedRuntimeOptions { StorePollInterval = null }))
        {
            var seen = await other.Client.GetInstanceAsync(id, deadline.Token);
            Assert.Equal("\"step 1\"", seen!.SerializedCustomStatus);
            Assert.Equal(OrchestrationRuntimeStatus.Running, seen.RuntimeStatus);
        }

        // The ending episode writes whatever the interval says.
        await runtime.Client.RaiseEventAsync(id, "Go", 1, deadline.Token);
        var done = await runtime.Client.WaitForInstanceCompletionAsync(id, deadline.Token);
        Assert.Equal("\"done\"", done.SerializedCustomStatus);
        // The client can see the end before the status object is overwritten (it is written after the ending batch).
        while (!(await StatusObjectAsync(store, id)).Contains("done", StringComparison.Ordinal))
        {
            await Task.Delay(10, deadline.Token);
        }
    }

    [Fact]
    public async Task StoppingTheRuntimeWritesTheStatusItKeptInMemory()
    {
        using var folder = new TempDirectory("durable-status-stop");
        var store = new LocalFolderObjectStore(folder.Path);
        const string id = "counter";
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using (var runtime = HourlyStatusRuntime(store))
        {
            await runtime.StartAsync();
            await runtime.Client.ScheduleNewOrchestrationInstanceAsync("Counter", "in", new StartOrchestrationOptions(id));
            while ((await runtime.Client.GetInstanceAsync(id, deadline.Token))?.SerializedCustomStatus != "\"waiting\"")
            {
                await Task.Delay(5, deadline.Token);
            }

            Assert.Contains("step 1", await StatusObjectAsync(store, id), StringComparison.Ordinal);
            await runtime.StopAsync();
        }

        // After the stop, a reader in another process sees the newest status, not the one written an interval ago.
        Assert.Contains("waiting", await StatusObjectAsync(store, id), StringComparison.Ordinal);
        await using var other = new EmbeddedDurableRuntime(new DurableTaskRegistry(), new LocalFolderObjectStore(folder.Path), new EmbeddedRuntimeOptions { StorePollInterval = null });
        Assert.Equal("\"waiting\"", (await other.Client.GetInstanceAsync(id, deadline.Token))!.SerializedCustomStatus);
    }

    [Fact]
    public void NegativeStatusWriteIntervalIsRefused()
    {
        using var folder = new TempDirectory("durable-status-interval-bad");
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new EmbeddedDurableRuntime(
            new DurableTaskRegistry(), new LocalFolderObjectStore(folder.Path), new EmbeddedRuntimeOptions { StatusWriteInterval = TimeSpan.FromSeconds(-1) }));
        Assert.Equal("StatusWriteInterval", error.ParamName);
    }

    /// <summary>
    /// A runtime that writes the status object at most once an hour, running "Counter": three steps with a status each,
    /// then "waiting" for the event Go, then "done".
    /// </summary>
    private static EmbeddedDurableRuntime HourlyStatusRuntime(LocalFolderObjectStore store) => new(
        new DurableTaskRegistry()
            .AddActivityFunc<int, int>("Next", (_, n) => Task.FromResult(n + 1))
            .AddOrchestratorFunc<string, string>("Counter", async (ctx, _) =>
            {
                for (var step = 1; step <= 3; step++)
                {
                    ctx.SetCustomStatus($"step {step}");
                    await ctx.CallActivityAsync<int>("Next", step);
                }

                ctx.SetCustomStatus("waiting");
                await ctx.WaitForExternalEvent<int>("Go");
                ctx.SetCustomStatus("done");
                return "ok";
            }),
        store,
        new EmbeddedRuntimeOptions { StatusWriteInterval = TimeSpan.FromHours(1), StorePollInterval = null, ClientPollInterval = TimeSpan.FromMilliseconds(20) });

    private static async Task<string> StatusObjectAsync(LocalFolderObjectStore store, string instanceId)
    {
        var path = Assert.Single(await store.ListAsync("durable/instances/" + instanceId + "/").Where(o => o.Path.EndsWith("status.json", StringComparison.Ordinal)).ToListAsync()).Path;
        return Encoding.UTF8.GetString(await store.GetAsync(path));
    }
}
