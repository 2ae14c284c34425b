using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Durable.History;
using Serverless.Durable.Runtime;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Durable.Tests;

/// <summary>
/// An instance this runtime works on has its status answered from memory, but only while the store confirms
/// that the batch the runtime last wrote is still the newest: another runtime on the same folder may move it on,
/// purge it, or re-create it under the same id.
/// </summary>
public sealed class LiveStatusTests
{
    [Fact]
    public async Task LiveStatusIsAnsweredFromMemoryUntilAnotherRuntimeChangesPurgesOrRecreatesTheInstance()
    {
        using var folder = new TempDirectory("durable-live-status");
        var observed = new ObservedObjectStore(new LocalFolderObjectStore(folder.Path));
        await using var a = NewRuntime(observed);
        await a.StartAsync();
        const string id = "shared";

        // Runtime A runs the instance until it waits for "Go".
        await a.Client.ScheduleNewOrchestrationInstanceAsync("Gated", "in", new StartOrchestrationOptions(id));
        await WaitForCustomStatusAsync(a.Client, id, "\"waiting for Go\"");

        // The status object is written before the runtime publishes the episode's status in memory, so a client can
        // read "waiting" from the store a moment before memory can answer; the claim is about the answer after that.
        using (var published = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (a.PublishedStatusOf(id) is null)
            {
                await Task.Delay(5, published.Token);
            }
        }

        var (lists, reads, heads) = (observed.Lists, observed.Reads, observed.Heads);
        var fromMemory = await a.Client.GetInstanceAsync(id);
        Assert.Equal((lists, reads, heads + 2), (observed.Lists, observed.Reads, observed.Heads));
        var firstExecution = await ExecutionIdAsync(a.Client, id);
        MetadataAssert.Same(await FullHistoryMetadataAsync(a, id), fromMemory);
        Assert.Equal(OrchestrationRuntimeStatus.Running, fromMemory!.RuntimeStatus);

        // Runtime B (another process, as far as the store is concerned) delivers the event: A's memory is one batch behind.
        await using var b = NewRuntime(new LocalFolderObjectStore(folder.Path));
        await b.StartAsync();
        await b.Client.RaiseEventAsync(id, "Go", 1);
        await WaitForCustomStatusAsync(b.Client, id, "\"went\"");
        var afterB = await a.Client.GetInstanceAsync(id);
        Assert.Equal("\"went\"", afterB!.SerializedCustomStatus);
        MetadataAssert.Same(await FullHistoryMetadataAsync(a, id), afterB);

        // B terminates and purges it: A's remembered batch is gone.
        await b.Client.TerminateInstanceAsync(id, "done");
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await b.Client.WaitForInstanceCompletionAsync(id, deadline.Token);
        }

        Assert.Equal(1, (await b.Client.PurgeInstanceAsync(id)).PurgedInstanceCount);
        Assert.Null(await a.Client.GetInstanceAsync(id));

        // B re-creates the id and runs it to the same point: the newest batch has A's path and nothing follows it,
        // but it is a different object (another version), so A must not answer with the old execution.
        await b.Client.ScheduleNewOrchestrationInstanceAsync("Gated", "again", new StartOrchestrationOptions(id));
        await WaitForCustomStatusAsync(b.Client, id, "\"waiting for Go\"");
        var recreated = await a.Client.GetInstanceAsync(id);
        MetadataAssert.Same(await FullHistoryMetadataAsync(a, id), recreated);
        Assert.Equal("\"again\"", recreated!.SerializedInput);
        Assert.NotEqual(firstExecution, await ExecutionIdAsync(a.Client, id));
    }

    private static EmbeddedDurableRuntime NewRuntime(Serverless.Storage.IObjectStore store) =>
        new(
            new DurableTaskRegistry().AddOrchestratorFunc<string, string>("Gated", async (ctx, input) =>
            {
                ctx.SetCustomStatus("waiting for Go");
                await ctx.WaitForExternalEvent<int>("Go");
                ctx.SetCustomStatus("went");
                return await ctx.WaitForExternalEvent<string>("Never");
            }),
            store,
            new EmbeddedRuntimeOptions { StorePollInterval = null, ClientPollInterval = TimeSpan.FromMilliseconds(20) });

    private static async Task WaitForCustomStatusAsync(EmbeddedDurableTaskClient client, string instanceId, string serializedCustomStatus)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await client.GetInstanceAsync(instanceId, deadline.Token))?.SerializedCustomStatus != serializedCustomStatus)
        {
            await Task.Delay(5, deadline.Token);
        }
    }

    private static async Task<OrchestrationMetadata?> FullHistoryMetadataAsync(EmbeddedDurableRuntime runtime, string instanceId)
    {
        var summary = (await runtime.Store.LoadAsync(instanceId, CancellationToken.None))?.ToSummary();
        return summary is null ? null : EmbeddedDurableTaskClient.ToMetadata(instanceId, summary, runtime.Options.DataConverter);
    }

    private static async Task<string> ExecutionIdAsync(EmbeddedDurableTaskClient client, string id) =>
        (await client.GetHistoryAsync(id)).OfType<ExecutionStartedEvent>().Single().ExecutionId;
}
