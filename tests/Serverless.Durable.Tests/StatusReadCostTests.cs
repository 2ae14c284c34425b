using System.Diagnostics;
using System.Text.Json;
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
    public async Task StatusOfAThreeHundredBatchInstanceReadsTwoBatchesInsteadOfTheWholeHistory()
    {
        using var folder = new TempDirectory("durable-status-cost");
        var store = new ObservedObjectStore(new LocalFolderObjectStore(folder.Path));
        await using var runtime = new EmbeddedDurableRuntime(
            new DurableTaskRegistry().AddOrchestratorFunc<int, int>("Snapshot", (_, n) => Task.FromResult(n)),
            store,
            new EmbeddedRuntimeOptions { StorePollInterval = null });
        const string id = "snapshot-job";
        var historyBytes = await WriteLongHistoryAsync(runtime.Store, id);

        var full = await MeasureAsync(5, async () =>
        {
            var summary = (await runtime.Store.LoadAsync(id, CancellationToken.None))!.ToSummary()!;
            return EmbeddedDurableTaskClient.ToMetadata(id, summary, runtime.Options.DataConverter);
        });
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

        output.WriteLine($"history: {Episodes + 1} batches, {historyBytes / 1024.0 / 1024.0:F2} MiB, custom status {CustomStatusBytes / 1024} KiB per batch");
        output.WriteLine($"full history read (before): {full.Milliseconds:F2} ms, {full.AllocatedBytes / 1024.0 / 1024.0:F2} MiB allocated per call");
        output.WriteLine($"GetInstanceAsync (after):   {cheap.Milliseconds:F3} ms, {cheap.AllocatedBytes / 1024.0:F1} KiB allocated per call, {readsPerCall} reads, {listsPerCall} listing(s)");

        Assert.Equal(full.Result, cheap.Result);
        Assert.Equal(OrchestrationStatus.Running, cheap.Result.RuntimeStatus);
        Assert.Equal(2, readsPerCall);
        Assert.Equal(1, listsPerCall);
        Assert.True(cheap.AllocatedBytes * 20 < full.AllocatedBytes, $"a status read allocated {cheap.AllocatedBytes} bytes, the full history read {full.AllocatedBytes}");
    }

    /// <summary>Creation batch plus <see cref="Episodes"/> episodes, each completing one copy and scheduling the next.</summary>
    private static async Task<long> WriteLongHistoryAsync(InstanceStore store, string id)
    {
        var at = new DateTime(2026, 11, 21, 9, 0, 0, DateTimeKind.Utc);
        var started = new ExecutionStartedEvent(at, "Snapshot", id, Guid.NewGuid().ToString("N"), "{\"tables\":50}");
        Assert.NotNull(await store.TryAppendAsync(id, 0, 0, new HistoryBatch([started], null, []), CancellationToken.None));
        var tables = Enumerable.Range(0, CustomStatusBytes / 75)
            .Select(t => new { table = $"shop.table_{t:D3}", copied = 1000L * t, total = 5000L * t, phase = "copying" })
            .ToArray();
        long bytes = 0;
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
            var info = await store.TryAppendAsync(id, 0, episode, new HistoryBatch(events, customStatus, []), CancellationToken.None);
            bytes += info!.Size;
        }

        Assert.InRange(statusLength, CustomStatusBytes * 9 / 10, CustomStatusBytes * 11 / 10);
        return bytes;
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
