using System.Diagnostics;
using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Durable.History;
using Serverless.Durable.Runtime;
using Serverless.Durable.Runtime.Storage;
using Serverless.Storage.Local;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Durable.Tests;

/// <summary>
/// What one status read costs on a long history, like the CLI's 250 ms progress poll near the end of a 50-table
/// snapshot. Prints time and managed allocations per read; asserts only counts of store reads and an allocation
/// ratio far from the measured one, never time.
/// </summary>
[Collection(nameof(AllocationMeasurements))]
public sealed class StatusReadCostTests(ITestOutputHelper output)
{
    private const int Episodes = 300;
    private const int CustomStatusBytes = 16 * 1024;

    [Fact]
    public async Task StatusOfAThreeHundredBatchInstanceReadsTwoBatchesAndTheStatusObjectInsteadOfTheWholeHistory()
    {
        using var folder = new TempDirectory("durable-status-cost");
        var store = new ObservedObjectStore(new LocalFolderObjectStore(folder.Path));
        await using var runtime = new EmbeddedDurableRuntime(
            new DurableTaskRegistry().AddOrchestratorFunc<int, int>("Snapshot", (_, n) => Task.FromResult(n)),
            store,
            new EmbeddedRuntimeOptions { StorePollInterval = null });
        const string id = "snapshot-job";
        var (historyBytes, statusBytes) = await WriteLongHistoryAsync(runtime.Store, id, statusInEveryBatch: false);

        // The layout before status objects, still read: the newest batch's status is the instance's.
        const string legacyId = "legacy-snapshot-job";
        var (legacyHistoryBytes, _) = await WriteLongHistoryAsync(runtime.Store, legacyId, statusInEveryBatch: true);
        var legacyFull = EmbeddedDurableTaskClient.ToMetadata(
            legacyId, (await runtime.Store.LoadAsync(legacyId, CancellationToken.None))!.ToSummary()!, runtime.Options.DataConverter);
        var legacyCheap = await runtime.Client.GetInstanceAsync(legacyId);

        var full = await MeasureAsync(5, async () =>
        {
            var summary = (await runtime.Store.LoadAsync(id, CancellationToken.None))!.ToSummary()!;
            return EmbeddedDurableTaskClient.ToMetadata(id, summary, runtime.Options.DataConverter);
        });
        var legacyFullRead = await MeasureAsync(5, async () => (await runtime.Store.LoadAsync(legacyId, CancellationToken.None))!.ToSummary()!);
        var legacyCheapRead = await MeasureAsync(20, async () => (await runtime.Client.GetInstanceAsync(legacyId))!);
        var readsBefore = store.Reads;
        var listsBefore = store.Lists;
        var cheap = await MeasureAsync(100, async () => (await runtime.Client.GetInstanceAsync(id))!);
        var readsPerCall = (store.Reads - readsBefore) / (double)(cheap.Calls + 1);
        var listsPerCall = (store.Lists - listsBefore) / (double)(cheap.Calls + 1);
        var listing = await MeasureAsync(100, async () =>
        {
            var n = 0;
            await foreach (var info in store.ListAsync($"durable/instances/{id}/g"))
            {
                n++;
            }

            return n;
        });
        output.WriteLine($"listing alone: {listing.Milliseconds:F3} ms, {listing.AllocatedBytes / 1024.0:F1} KiB for {listing.Result} entries");

        // The runtime's scan for work from other processes (every StorePollInterval) lists every object of the hub.
        var scan = await MeasureAsync(20, () => runtime.Store.ScanInstancesAsync(CancellationToken.None));
        output.WriteLine($"store scan for other processes' work: {scan.Milliseconds:F3} ms, {scan.AllocatedBytes / 1024.0:F1} KiB for {scan.Result.All.Count} instance(s)");

        output.WriteLine($"history, status in every batch (before): {Episodes + 1} batches, {legacyHistoryBytes / 1024.0 / 1024.0:F2} MiB, custom status {CustomStatusBytes / 1024} KiB per episode");
        output.WriteLine($"history, status object (after):          {Episodes + 1} batches, {historyBytes / 1024.0 / 1024.0:F3} MiB, plus one status object of {statusBytes / 1024.0:F1} KiB");
        output.WriteLine($"full history read, status in every batch: {legacyFullRead.Milliseconds:F2} ms, {legacyFullRead.AllocatedBytes / 1024.0 / 1024.0:F2} MiB allocated per call");
        output.WriteLine($"full history read, status object:         {full.Milliseconds:F2} ms, {full.AllocatedBytes / 1024.0 / 1024.0:F2} MiB allocated per call");
        output.WriteLine($"GetInstanceAsync, status in every batch:  {legacyCheapRead.Milliseconds:F3} ms, {legacyCheapRead.AllocatedBytes / 1024.0:F1} KiB allocated per call");
        output.WriteLine($"GetInstanceAsync, status object:          {cheap.Milliseconds:F3} ms, {cheap.AllocatedBytes / 1024.0:F1} KiB allocated per call, {readsPerCall} reads (status object, batch 0, newest batch), {listsPerCall} listing(s)");

        MetadataAssert.Same(full.Result, cheap.Result);
        Assert.Equal(OrchestrationRuntimeStatus.Running, cheap.Result.RuntimeStatus);
        Assert.Equal(Episodes, cheap.Result.ReadCustomStatusAs<JsonElement>().GetProperty("episode").GetInt32());
        MetadataAssert.Same(legacyFull, legacyCheap);
        Assert.Equal(Episodes, legacyCheap!.ReadCustomStatusAs<JsonElement>().GetProperty("episode").GetInt32());
        Assert.True(historyBytes * 20 < legacyHistoryBytes, $"history is {historyBytes} bytes with a status object, {legacyHistoryBytes} with the status in every batch");
        Assert.Equal(3, readsPerCall);
        Assert.Equal(1, listsPerCall);
        Assert.True(cheap.AllocatedBytes * 3 < full.AllocatedBytes, $"a status read allocated {cheap.AllocatedBytes} bytes, the full history read {full.AllocatedBytes}");
    }

    [Fact]
    public async Task StatusOfALiveThreeHundredEpisodeInstanceComesFromMemoryAndEpisodesDoNotSlowDownAsHistoryGrows()
    {
        using var folder = new TempDirectory("durable-live-cost");
        var store = new ObservedObjectStore(new LocalFolderObjectStore(folder.Path));
        var tables = Enumerable.Range(0, CustomStatusBytes / 75)
            .Select(t => new TableProgress($"shop.table_{t:D3}", 1000L * t, 5000L * t, "copying"))
            .ToArray();
        var calledAt = new long[Episodes];
        var allocatedAt = new long[Episodes];
        var clock = Stopwatch.StartNew();
        await using var runtime = new EmbeddedDurableRuntime(
            new DurableTaskRegistry()
                .AddActivityFunc<int, int>("CopyChunk", (_, chunk) =>
                {
                    calledAt[chunk] = clock.ElapsedTicks;
                    allocatedAt[chunk] = GC.GetTotalAllocatedBytes(precise: false);
                    return Task.FromResult(chunk);
                })
                .AddOrchestratorFunc<int, int>("Snapshot", async (ctx, chunks) =>
                {
                    for (var i = 0; i < chunks; i++)
                    {
                        await ctx.CallActivityAsync<int>("CopyChunk", i);
                        ctx.SetCustomStatus(new { episode = i, tables });
                    }

                    return await ctx.WaitForExternalEvent<int>("Finish");
                }),
            store,
            // The waiter below wakes on this runtime's change signal; without a poll interval it cannot add store requests
            // of its own to the per-call counts measured while nothing changes.
            new EmbeddedRuntimeOptions { StorePollInterval = null, MaxConcurrentOrchestrations = 1, MaxConcurrentActivities = 1, ClientPollInterval = TimeSpan.FromHours(1) });
        await runtime.StartAsync();
        const string id = "live-snapshot";
        await runtime.Client.ScheduleNewOrchestrationInstanceAsync("Snapshot", Episodes, new StartOrchestrationOptions(id));

        // A waiter as the CLI has one: woken by every episode.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var waiter = runtime.Client.WaitForInstanceCompletionAsync(id, deadline.Token);
        var (listsDuringRun, readsDuringRun) = (store.Lists, store.Reads);
        while ((await runtime.Client.GetInstanceAsync(id, deadline.Token))?.ReadCustomStatusAs<JsonElement>() is not { ValueKind: JsonValueKind.Object } status
               || status.GetProperty("episode").GetInt32() != Episodes - 1)
        {
            await Task.Delay(250, deadline.Token);
        }

        (listsDuringRun, readsDuringRun) = (store.Lists - listsDuringRun, store.Reads - readsDuringRun);

        // The poller may see the last status in the store just before the runtime publishes it in memory.
        while (runtime.PublishedStatusOf(id)?.Summary.BatchCount != Episodes + 2)
        {
            await Task.Delay(1, deadline.Token);
        }

        var (lists, reads, heads) = (store.Lists, store.Reads, store.Heads);
        var fromMemory = await MeasureAsync(100, async () => (await runtime.Client.GetInstanceAsync(id))!);
        var perCall = (Lists: (store.Lists - lists) / (fromMemory.Calls + 1.0), Reads: (store.Reads - reads) / (fromMemory.Calls + 1.0), Heads: (store.Heads - heads) / (fromMemory.Calls + 1.0));
        var fromStore = await MeasureAsync(20, async () => (await runtime.Store.ReadSummaryAsync(id, CancellationToken.None))!);
        var full = await MeasureAsync(3, async () => (await runtime.Store.LoadAsync(id, CancellationToken.None))!.ToSummary()!);

        const int Window = 50;
        double EpisodeMilliseconds(int from) => (calledAt[from + Window] - calledAt[from]) * 1000.0 / Stopwatch.Frequency / Window;
        double EpisodeKiB(int from) => (allocatedAt[from + Window] - allocatedAt[from]) / 1024.0 / Window;
        output.WriteLine($"live instance: {fromStore.Result.BatchCount} batches");
        output.WriteLine($"episode (activity call to next call), first {Window}: {EpisodeMilliseconds(0):F2} ms, {EpisodeKiB(0):F0} KiB allocated");
        output.WriteLine($"episode (activity call to next call), last {Window}:  {EpisodeMilliseconds(Episodes - Window - 1):F2} ms, {EpisodeKiB(Episodes - Window - 1):F0} KiB allocated");
        output.WriteLine($"store use while running (waiter + 250 ms poller): {listsDuringRun} listings, {readsDuringRun} reads for {Episodes} episodes");
        output.WriteLine($"GetInstanceAsync from memory: {fromMemory.Milliseconds:F3} ms, {fromMemory.AllocatedBytes / 1024.0:F1} KiB per call, {perCall.Heads} metadata requests, {perCall.Lists} listings, {perCall.Reads} reads");
        output.WriteLine($"status from store (2 batches + status object): {fromStore.Milliseconds:F3} ms, {fromStore.AllocatedBytes / 1024.0:F1} KiB per call");
        output.WriteLine($"status from full history:      {full.Milliseconds:F2} ms, {full.AllocatedBytes / 1024.0 / 1024.0:F2} MiB per call");
        // What an instance's cached history keeps in memory: the difference between holding one and three copies.
        var held = new List<InstanceHistory> { (await runtime.Store.LoadAsync(id, CancellationToken.None))! };
        var holdingOne = GC.GetTotalMemory(forceFullCollection: true);
        held.Add((await runtime.Store.LoadAsync(id, CancellationToken.None))!);
        held.Add((await runtime.Store.LoadAsync(id, CancellationToken.None))!);
        var retained = (GC.GetTotalMemory(forceFullCollection: true) - holdingOne) / 2;
        output.WriteLine($"a cached history of {held[0].Events.Count} events keeps {retained / 1024.0 / 1024.0:F2} MiB in memory");

        long historyBytes = 0, statusObjectBytes = 0;
        await foreach (var info in store.ListAsync($"durable/instances/{id}/g"))
        {
            if (info.Path.EndsWith("/status.json", StringComparison.Ordinal))
            {
                statusObjectBytes += info.Size;
            }
            else
            {
                historyBytes += info.Size;
            }
        }

        output.WriteLine($"history written by the runtime: {historyBytes / 1024.0:F1} KiB in {fromStore.Result.BatchCount} batches; status object {statusObjectBytes / 1024.0:F1} KiB");

        Assert.InRange(statusObjectBytes, CustomStatusBytes * 9 / 10, CustomStatusBytes * 2);
        Assert.True(historyBytes < fromStore.Result.BatchCount * 1024, $"{historyBytes} bytes of history in {fromStore.Result.BatchCount} batches: the custom status is still in them");
        Assert.Equal(full.Result, fromStore.Result);
        MetadataAssert.Same(EmbeddedDurableTaskClient.ToMetadata(id, full.Result, runtime.Options.DataConverter), fromMemory.Result);
        Assert.Equal((0, 0, 2), (perCall.Lists, perCall.Reads, perCall.Heads));

        await runtime.Client.RaiseEventAsync(id, "Finish", 42);
        Assert.Equal(42, (await waiter).ReadOutputAs<int>());
    }

    private sealed record TableProgress(string Table, long Copied, long Total, string Phase);

    /// <summary>
    /// Creation batch plus <see cref="Episodes"/> episodes, each completing one copy and scheduling the next, as the
    /// runtime writes them: the status object overwritten after each batch, or (the layout before status objects) the
    /// status in every batch. Returns the bytes of history and of the status object.
    /// </summary>
    private static async Task<(long HistoryBytes, long StatusBytes)> WriteLongHistoryAsync(InstanceStore store, string id, bool statusInEveryBatch)
    {
        var at = new DateTime(2026, 11, 21, 9, 0, 0, DateTimeKind.Utc);
        var started = new ExecutionStartedEvent(at, "Snapshot", id, Guid.NewGuid().ToString("N"), "{\"tables\":50}");
        Assert.NotNull(await store.TryAppendAsync(id, 0, 0, new HistoryBatch([started], null, []), CancellationToken.None));
        var tables = Enumerable.Range(0, CustomStatusBytes / 75)
            .Select(t => new { table = $"shop.table_{t:D3}", copied = 1000L * t, total = 5000L * t, phase = "copying" })
            .ToArray();
        long bytes = 0, statusBytes = 0;
        var statusLength = 0;
        for (var episode = 1; episode <= Episodes; episode++)
        {
            var now = at.AddMilliseconds(episode * 20);
            var customStatus = JsonSerializer.Serialize(new { episode, tables });
            statusLength = customStatus.Length;
            HistoryEvent[] events =
            [
                new OrchestratorStartedEvent(now),
                new TaskCompletedEvent(now, episode - 2, "12345"),
                new TaskScheduledEvent(episode - 1, now, "CopyChunk", $"{{\"table\":\"shop.table_{episode % 50:D3}\",\"chunk\":{episode}}}"),
                new OrchestratorCompletedEvent(now),
            ];
            var info = await store.TryAppendAsync(id, 0, episode, new HistoryBatch(events, statusInEveryBatch ? customStatus : null, []), CancellationToken.None);
            bytes += info!.Size;
            if (!statusInEveryBatch)
            {
                statusBytes = (await store.WriteStatusRecordAsync(id, 0, new CustomStatusRecord(started.ExecutionId, episode, customStatus), CancellationToken.None)).Size;
            }
        }

        Assert.InRange(statusLength, CustomStatusBytes * 9 / 10, CustomStatusBytes * 11 / 10);
        return (bytes, statusBytes);
    }

    private static async Task<Measurement<T>> MeasureAsync<T>(int calls, Func<Task<T>> read)
    {
        // Warm-up: JIT and the serializer's metadata are not what is measured.
        var result = await read();
        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            result = await read();
        }

        clock.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return new Measurement<T>(result, calls, clock.Elapsed.TotalMilliseconds / calls, allocated / calls);
    }

    private sealed record Measurement<T>(T Result, int Calls, double Milliseconds, long AllocatedBytes);
}
