using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Durable;
using Serverless.Durable.History;
using Serverless.Durable.Runtime;
using Serverless.Durable.Runtime.Storage;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Durable.Tests;

/// <summary>
/// GetInstanceAsync reads only the first and newest history batches (and, for an instance live in this runtime,
/// answers from memory after checking the store). These tests stop the runtime after every change it makes to the
/// store and compare that answer with the one derived from the whole history, field by field.
/// </summary>
public sealed class StatusReadConsistencyTests
{
    [Fact]
    public async Task FanOutWithChangingCustomStatusReadsTheSameAsFullHistoryAtEveryStep()
    {
        await using var harness = await StepCheckedRuntime.StartAsync(r => r
            .AddActivityFunc<int, int>("Square", (_, n) => Task.FromResult(n * n))
            .AddOrchestratorFunc<int, int>("FanOut", async (ctx, count) =>
            {
                ctx.SetCustomStatus(new { phase = "start" });
                var squares = await ctx.RunBoundedAsync(Enumerable.Range(1, count).ToArray(), 3, (n, _) => ctx.CallActivityAsync<int>("Square", n));
                ctx.SetCustomStatus(new { phase = "fanned", squares = squares.Length });
                var total = squares.Sum();
                for (var i = 0; i < 3; i++)
                {
                    total += await ctx.CallActivityAsync<int>("Square", i);
                    ctx.SetCustomStatus(new { phase = "tail", step = i });
                }

                return total;
            }));

        var id = await harness.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", 8);
        var result = await harness.WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(Enumerable.Range(1, 8).Sum(n => n * n) + 0 + 1 + 4, result.ReadOutputAs<int>());
        await harness.AssertConsistentAsync(OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Completed);
    }

    [Fact]
    public async Task FailedActivityFailingTheOrchestrationReadsTheSameAsFullHistoryAtEveryStep()
    {
        await using var harness = await StepCheckedRuntime.StartAsync(r => r
            .AddActivityFunc<string, string>("Boom", (_, s) => Task.FromException<string>(new InvalidOperationException($"disk full while writing {s}")))
            .AddOrchestratorFunc<string, string>("Failing", async (ctx, s) =>
            {
                ctx.SetCustomStatus("about to fail");
                return await ctx.CallActivityAsync<string>("Boom", s);
            }));

        var id = await harness.Client.ScheduleNewOrchestrationInstanceAsync("Failing", "t1");
        var result = await harness.WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.True(result.FailureDetails!.IsCausedBy<TaskFailedException>());
        Assert.True(result.FailureDetails.InnerFailure!.IsCausedBy<InvalidOperationException>());
        Assert.Equal("\"about to fail\"", result.SerializedCustomStatus);
        await harness.AssertConsistentAsync(OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Failed);
    }

    [Fact]
    public async Task RaisedEventsThenTerminationReadTheSameAsFullHistoryAtEveryStep()
    {
        await using var harness = await StepCheckedRuntime.StartAsync(r => r
            .AddOrchestratorFunc<string, string>("Waiting", async (ctx, _) =>
            {
                ctx.SetCustomStatus("waiting for A");
                var a = await ctx.WaitForExternalEvent<int>("A");
                ctx.SetCustomStatus($"got A={a}, waiting for B");
                await ctx.WaitForExternalEvent<int>("B");
                return "never";
            }));

        var id = await harness.Client.ScheduleNewOrchestrationInstanceAsync("Waiting", "x");
        await harness.Client.RaiseEventAsync(id, "A", 7);
        await harness.WaitForCustomStatusAsync(id, "\"got A=7, waiting for B\"");
        await harness.Client.TerminateInstanceAsync(id, "operator stopped it");
        var result = await harness.WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, result.RuntimeStatus);
        Assert.Equal("operator stopped it", result.ReadOutputAs<string>());
        await harness.AssertConsistentAsync(OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Terminated);
    }

    [Fact]
    public async Task ContinueAsNewWithCarriedOverEventsReadsTheSameAsFullHistoryAtEveryStep()
    {
        await using var harness = await StepCheckedRuntime.StartAsync(r => r
            .AddActivityFunc<int, int>("Increment", (_, n) => Task.FromResult(n + 1))
            .AddOrchestratorFunc<int, int>("Generations", async (ctx, n) =>
            {
                ctx.SetCustomStatus(new { generation = n });
                var next = await ctx.CallActivityAsync<int>("Increment", n);
                if (n == 1)
                {
                    await ctx.WaitForExternalEvent<string>("Go");
                }

                if (next < 3)
                {
                    // "Extra" is never awaited: it rides along from execution to execution in batch 0.
                    ctx.ContinueAsNew(next, preserveUnprocessedEvents: true);
                }

                return next;
            }));

        var id = await harness.Client.ScheduleNewOrchestrationInstanceAsync("Generations", 0);
        await harness.Client.RaiseEventAsync(id, "Go", "go");
        await harness.Client.RaiseEventAsync(id, "Extra", "extra");
        var result = await harness.WaitAsync(id);
        var history = await harness.Client.GetHistoryAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(3, result.ReadOutputAs<int>());
        Assert.Equal(2, result.ReadInputAs<int>());
        Assert.Contains(history, e => e is EventRaisedEvent { Name: "Extra" });
        await harness.AssertConsistentAsync(
            OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Completed);
    }

    [Fact]
    public async Task ReadersPollingWhileTheRuntimeWorksSeeTheFullHistoryStateWheneverItHeldStill()
    {
        await using var harness = await StepCheckedRuntime.StartAsync(r => r
            .AddActivityFunc<int, int>("Slow", async (_, n) =>
            {
                await Task.Delay(2);
                return n;
            })
            .AddOrchestratorFunc<int, int>("Steps", async (ctx, count) =>
            {
                var total = 0;
                for (var i = 0; i < count; i++)
                {
                    total += await ctx.CallActivityAsync<int>("Slow", i);
                    ctx.SetCustomStatus(new { done = i + 1 });
                }

                return total;
            }));

        var id = await harness.Client.ScheduleNewOrchestrationInstanceAsync("Steps", 40);
        var stable = await harness.PollUntilTerminalAsync(id);

        Assert.Equal(Enumerable.Range(0, 40).Sum(), (await harness.WaitAsync(id)).ReadOutputAs<int>());
        Assert.True(stable > 0, "no poll saw the store hold still between two full reads");
        await harness.AssertConsistentAsync(OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Completed);
    }

    [Fact]
    public async Task LostStatusWriteLeavesThePreviousStatusOnEveryPathUntilTheNextEpisodeWritesAgain()
    {
        StatusWriteFailingStore? failing = null;
        await using var harness = await StepCheckedRuntime.StartAsync(
            r => r
                .AddActivityFunc<int, int>("Double", (_, n) => Task.FromResult(n * 2))
                .AddOrchestratorFunc<int, int>("Steps", async (ctx, n) =>
                {
                    ctx.SetCustomStatus("step 1");
                    var doubled = await ctx.CallActivityAsync<int>("Double", n);
                    ctx.SetCustomStatus("step 2");
                    var go = await ctx.WaitForExternalEvent<int>("Go");
                    ctx.SetCustomStatus("step 3");
                    return doubled + go;
                }),
            store => failing = new StatusWriteFailingStore(store, failingWrite: 2));

        var id = await harness.Client.ScheduleNewOrchestrationInstanceAsync("Steps", 20);
        await failing!.Failed.WaitAsync(TimeSpan.FromSeconds(30));

        // Batch 2 (the activity's result) is in history, its status "step 2" is not: every reader still says "step 1".
        var afterLoss = await harness.Client.GetInstanceAsync(id);
        var history = await harness.Runtime.Store.LoadAsync(id, CancellationToken.None);
        Assert.Equal(3, history!.BatchCount);
        Assert.Equal(OrchestrationRuntimeStatus.Running, afterLoss!.RuntimeStatus);
        Assert.Equal("\"step 1\"", afterLoss.SerializedCustomStatus);
        Assert.Equal("\"step 1\"", history.CustomStatus);
        Assert.Equal(1, history.StatusRecord!.Batch);

        await harness.Client.RaiseEventAsync(id, "Go", 2);
        var result = await harness.WaitAsync(id);
        var record = await harness.Runtime.Store.TryReadStatusRecordAsync(id, 0, CancellationToken.None);

        Assert.Equal(42, result.ReadOutputAs<int>());
        Assert.Equal("\"step 3\"", result.SerializedCustomStatus);
        var executionId = (await harness.Client.GetHistoryAsync(id)).OfType<ExecutionStartedEvent>().Single().ExecutionId;
        Assert.Equal(new CustomStatusRecord(executionId, 3, "\"step 3\""), record);
        Assert.True(harness.StatusWrites >= 2, $"{harness.StatusWrites} status writes checked");
        await harness.AssertConsistentAsync(OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Completed);
    }

    [Fact]
    public async Task OnlyTheEndingHistoryBatchCarriesTheCustomStatus()
    {
        await using var harness = await StepCheckedRuntime.StartAsync(r => r
            .AddActivityFunc<int, int>("Echo", (_, n) => Task.FromResult(n))
            .AddOrchestratorFunc<int, int>("Loud", async (ctx, n) =>
            {
                var total = 0;
                for (var i = 0; i < n; i++)
                {
                    total += await ctx.CallActivityAsync<int>("Echo", i);
                    ctx.SetCustomStatus(new { step = i, padding = new string('x', 4096) });
                }

                return total;
            }));

        var id = await harness.Client.ScheduleNewOrchestrationInstanceAsync("Loud", 6);
        var result = await harness.WaitAsync(id);
        var store = harness.Runtime.Store;
        var history = await store.LoadAsync(id, CancellationToken.None);
        var batches = new List<HistoryBatch>();
        for (var i = 0; i < history!.BatchCount; i++)
        {
            var json = await harness.Store.GetAsync(store.BatchPath(id, 0, i));
            batches.Add(JsonSerializer.Deserialize<HistoryBatch>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!);
            if (i < history.BatchCount - 1)
            {
                Assert.True(json.Length < 1024, $"batch {i} is {json.Length} bytes: the 4 KiB custom status is still in it");
            }
        }

        // The ending batch holds the final status once, so a reader that sees the end never pairs it with an older status object.
        Assert.Equal(8, batches.Count);
        Assert.All(batches.SkipLast(1), b => Assert.Null(b.CustomStatus));
        Assert.Equal(5, JsonSerializer.Deserialize<JsonElement>(batches[^1].CustomStatus!).GetProperty("step").GetInt32());
        Assert.Equal(5, result.ReadCustomStatusAs<JsonElement>().GetProperty("step").GetInt32());
        Assert.Equal(7, (await store.TryReadStatusRecordAsync(id, 0, CancellationToken.None))!.Batch);
        await harness.AssertConsistentAsync(OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Completed);
    }

    [Fact]
    public async Task HistoryWrittenWithTheStatusInEveryBatchReadsTheSameOnEveryPathAndResumesWithAStatusObject()
    {
        using var folder = new TempDirectory("durable-status-legacy");
        void Register(DurableTaskRegistry r) => r
            .AddActivityFunc<int, int>("Double", (_, n) => Task.FromResult(n * 2))
            .AddOrchestratorFunc<int, int>("Upgraded", async (ctx, n) =>
            {
                ctx.SetCustomStatus("before upgrade");
                var go = await ctx.WaitForExternalEvent<int>("Go");
                ctx.SetCustomStatus($"after upgrade {go}");
                return await ctx.CallActivityAsync<int>("Double", n + go);
            });

        const string id = "upgraded";
        await using (var before = await StepCheckedRuntime.StartAsync(Register, existingFolder: folder.Path))
        {
            await before.Client.ScheduleNewOrchestrationInstanceAsync("Upgraded", 1, new StartOrchestrationOptions(id));
            await before.WaitForCustomStatusAsync(id, "\"before upgrade\"");
            await before.AssertConsistentAsync(OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running);
        }

        // Rewrite the stopped instance in the layout of runtimes before status objects: the status in its episode
        // batch, no status object.
        var generationFolder = Path.Combine(folder.Path, "durable", "instances", id, "g000000");
        var statusFile = Path.Combine(generationFolder, "status.json");
        var record = JsonSerializer.Deserialize<CustomStatusRecord>(File.ReadAllBytes(statusFile), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        var batchFile = Path.Combine(generationFolder, "00000001.json");
        var batch = JsonNode.Parse(File.ReadAllText(batchFile))!;
        batch["customStatus"] = record.CustomStatus;
        File.WriteAllText(batchFile, batch.ToJsonString());
        File.Delete(statusFile);

        await using var after = await StepCheckedRuntime.StartAsync(Register, existingFolder: folder.Path);
        var legacy = await after.Client.GetInstanceAsync(id);
        var legacyFull = (await after.Runtime.Store.LoadAsync(id, CancellationToken.None))!;
        Assert.Equal("\"before upgrade\"", legacy!.SerializedCustomStatus);
        Assert.Equal("\"before upgrade\"", legacyFull.CustomStatus);
        Assert.Null(legacyFull.StatusRecord);

        await after.Client.RaiseEventAsync(id, "Go", 4);
        var result = await after.WaitAsync(id);

        Assert.Equal(10, result.ReadOutputAs<int>());
        Assert.Equal("\"after upgrade 4\"", result.SerializedCustomStatus);
        Assert.True(File.Exists(statusFile), "the resumed instance wrote no status object");
        Assert.True(after.StatusWrites >= 1, "no status write was checked");
        await after.AssertConsistentAsync(OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Completed);
    }

    [Fact]
    public async Task StatusObjectOfAnotherExecutionIsIgnoredOnEveryPath()
    {
        using var folder = new TempDirectory("durable-status-stale");
        var store = new InstanceStore(new LocalFolderObjectStore(folder.Path), "durable");
        const string id = "recreated";
        var at = new DateTime(2026, 11, 21, 9, 0, 0, DateTimeKind.Utc);
        var started = new ExecutionStartedEvent(at, "Job", id, "new-execution", "1");
        Assert.NotNull(await store.TryAppendAsync(id, 0, 0, new HistoryBatch([started], null, []), CancellationToken.None));
        HistoryEvent[] episode = [new OrchestratorStartedEvent(at), new TimerCreatedEvent(0, at, at.AddHours(1)), new OrchestratorCompletedEvent(at)];
        Assert.NotNull(await store.TryAppendAsync(id, 0, 1, new HistoryBatch(episode, "\"own\"", []), CancellationToken.None));

        // Left behind by an interrupted purge of an earlier instance under the same id: other execution, later batch.
        foreach (var stale in new[] { new CustomStatusRecord("old-execution", 1, "\"stale\""), new CustomStatusRecord("old-execution", 7, "\"stale\"") })
        {
            await store.WriteStatusRecordAsync(id, 0, stale, CancellationToken.None);
            var cheap = await store.ReadSummaryAsync(id, CancellationToken.None);
            var full = (await store.LoadAsync(id, CancellationToken.None))!;

            Assert.Equal(full.ToSummary(), cheap);
            Assert.Equal("\"own\"", cheap!.CustomStatus);
            Assert.Equal(2, cheap.BatchCount);
            Assert.Null(full.StatusRecord);
        }
    }

    [Fact]
    public async Task StatusWrittenAfterTheListingIsReportedTogetherWithItsBatch()
    {
        using var folder = new TempDirectory("durable-status-race");
        var observed = new ObservedObjectStore(new LocalFolderObjectStore(folder.Path));
        var store = new InstanceStore(observed, "durable");
        const string id = "raced";
        var at = new DateTime(2026, 11, 21, 9, 0, 0, DateTimeKind.Utc);
        var started = new ExecutionStartedEvent(at, "Job", id, "execution", "1");
        Assert.NotNull(await store.TryAppendAsync(id, 0, 0, new HistoryBatch([started], null, []), CancellationToken.None));
        var nextBatch = 1;

        // An episode appends its batch and then writes its status, as the runtime does.
        async Task EpisodeAsync()
        {
            var now = at.AddSeconds(nextBatch);
            HistoryEvent[] events = [new OrchestratorStartedEvent(now), new TimerCreatedEvent(nextBatch, now, now.AddHours(1)), new OrchestratorCompletedEvent(now)];
            Assert.NotNull(await store.TryAppendAsync(id, 0, nextBatch, new HistoryBatch(events, null, []), CancellationToken.None));
            await store.WriteStatusRecordAsync(id, 0, new CustomStatusRecord("execution", nextBatch, $"{nextBatch}"), CancellationToken.None);
            nextBatch++;
        }

        await EpisodeAsync();

        // An episode lands between each reader's listing and its reads: the reader sees the status of a batch its
        // listing did not show, and reports that batch with it (never a status ahead of the history it reports).
        observed.AfterList = _ => EpisodeAsync();
        var cheap = await store.ReadSummaryAsync(id, CancellationToken.None);
        var full = await store.LoadAsync(id, CancellationToken.None);
        observed.AfterList = null;
        var settled = await store.ReadSummaryAsync(id, CancellationToken.None);

        Assert.Equal((3, "2", at.AddSeconds(2)), (cheap!.BatchCount, cheap.CustomStatus, cheap.LastUpdatedAt));
        Assert.Equal((4, "3", at.AddSeconds(3)), (full!.BatchCount, full.CustomStatus, full.Events[^1].Timestamp));
        Assert.Equal(3, full.OpenTimers.Count);
        Assert.Equal(full.ToSummary(), settled);
    }

    [Fact]
    public async Task MissingInstanceReadsAsNullOnBothPaths()
    {
        await using var harness = await StepCheckedRuntime.StartAsync(r => r.AddOrchestratorFunc<int, int>("Unused", (_, n) => Task.FromResult(n)));

        Assert.Null(await harness.Client.GetInstanceAsync("no-such-instance"));
        Assert.Null(await harness.Runtime.Store.LoadAsync("no-such-instance", CancellationToken.None));
    }
}
