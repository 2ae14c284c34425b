using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Durable;
using Serverless.Durable.History;
using Serverless.Durable.Runtime;
using Serverless.Storage.AzureStorage;
using Serverless.Testing;

namespace Serverless.Durable.Tests;

public sealed class RestartTests
{
    [Fact]
    public async Task DurableTimerSurvivesARuntimeRestart()
    {
        using var folder = new TempDirectory("durable-timer-restart");
        static void Register(DurableTaskRegistry r) => r
            .AddOrchestratorFunc<int, string>("Sleeper", async (ctx, ms) =>
            {
                await ctx.CreateTimer(TimeSpan.FromMilliseconds(ms), CancellationToken.None);
                return "woke";
            });

        string id;
        await using (var first = await TestRuntime.StartAsync(Register, sharedFolder: folder))
        {
            id = await first.Client.ScheduleNewOrchestrationInstanceAsync("Sleeper", 600);
            await EmbeddedRuntimeTests.WaitForHistoryAsync(first, id, h => h.OfType<TimerCreatedEvent>().Any());
        }

        await using var second = await TestRuntime.StartAsync(Register, sharedFolder: folder);
        var result = await second.WaitAsync(id);

        Assert.Equal("woke", result.ReadOutputAs<string>());
        var history = await second.Client.GetHistoryAsync(id);
        var fired = Assert.Single(history.OfType<TimerFiredEvent>());
        Assert.True(fired.Timestamp >= fired.FireAt, $"The timer fired at {fired.Timestamp:O}, before its due time {fired.FireAt:O}.");
    }

    [Fact]
    public async Task EventRaisedWhileNoRuntimeRunsIsDeliveredAfterStart()
    {
        using var folder = new TempDirectory("durable-inbox-restart");
        static void Register(DurableTaskRegistry r) => r
            .AddOrchestratorFunc<int, int>("Adder", async (ctx, n) => n + await ctx.WaitForExternalEvent<int>("Amount"));

        string id;
        await using (var first = await TestRuntime.StartAsync(Register, sharedFolder: folder))
        {
            id = await first.Client.ScheduleNewOrchestrationInstanceAsync("Adder", 40);
            await EmbeddedRuntimeTests.WaitForStatusAsync(first, id, OrchestrationRuntimeStatus.Running);
        }

        // A client of a runtime that is not started persists the event; the next runtime to start delivers it once.
        await using (var offline = await TestRuntime.StartAsync(Register, sharedFolder: folder, start: false))
        {
            await offline.Client.RaiseEventAsync(id, "Amount", 2);
        }

        await using var second = await TestRuntime.StartAsync(Register, sharedFolder: folder);
        var result = await second.WaitAsync(id);

        Assert.Equal(42, result.ReadOutputAs<int>());
        Assert.Single((await second.Client.GetHistoryAsync(id)).OfType<EventRaisedEvent>());
        // The delivered request is deleted after the episode that consumed it commits, which a client can see first.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (Directory.GetFiles(folder.Path, "*.json", SearchOption.AllDirectories)
            .Any(f => f.Contains($"{Path.DirectorySeparatorChar}inbox{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            await Task.Delay(10, deadline.Token);
        }
    }

    [Fact]
    public async Task RequestsFromAClientInAnotherProcessArePickedUpByTheStorePoll()
    {
        using var folder = new TempDirectory("durable-poll");
        static void Register(DurableTaskRegistry r) => r
            .AddOrchestratorFunc<int, int>("Adder", async (ctx, n) => n + await ctx.WaitForExternalEvent<int>("Amount"));

        await using var running = await TestRuntime.StartAsync(Register, sharedFolder: folder, storePollInterval: TimeSpan.FromMilliseconds(100));

        // This runtime is never started: it stands for a CLI process that only writes requests to the folder.
        await using var remote = await TestRuntime.StartAsync(Register, sharedFolder: folder, start: false);
        var id = await remote.Client.ScheduleNewOrchestrationInstanceAsync("Adder", 1);
        await EmbeddedRuntimeTests.WaitForStatusAsync(remote, id, OrchestrationRuntimeStatus.Running);
        await remote.Client.RaiseEventAsync(id, "Amount", 9);
        var result = await remote.WaitAsync(id);

        Assert.Equal(10, result.ReadOutputAs<int>());
    }

    [Fact]
    public async Task ContinueAsNewCarriesUnconsumedEventsOverWhenAskedTo()
    {
        using var folder = new TempDirectory("durable-carryover");
        static void Register(DurableTaskRegistry r) => r
            .AddOrchestratorFunc<int, string>("TwoPhase", async (ctx, phase) =>
            {
                if (phase == 0)
                {
                    var first = await ctx.WaitForExternalEvent<string>("Step");
                    ctx.ContinueAsNew(1, preserveUnprocessedEvents: true);
                    return first;
                }

                return "phase 1 got " + await ctx.WaitForExternalEvent<string>("Step");
            });

        // Both events wait in the inbox before any runtime runs, so the first episode receives them together:
        // phase 0 consumes one and the other must survive the restart of the history.
        string id;
        await using (var offline = await TestRuntime.StartAsync(Register, sharedFolder: folder, start: false))
        {
            id = await offline.Client.ScheduleNewOrchestrationInstanceAsync("TwoPhase", 0);
            await offline.Client.RaiseEventAsync(id, "Step", "a");
            await offline.Client.RaiseEventAsync(id, "Step", "b");
        }

        await using var test = await TestRuntime.StartAsync(Register, sharedFolder: folder);
        var result = await test.WaitAsync(id);

        Assert.Equal("phase 1 got b", result.ReadOutputAs<string>());
        var history = await test.Client.GetHistoryAsync(id);
        Assert.Equal("1", Assert.Single(history.OfType<ExecutionStartedEvent>()).Input);
        Assert.Equal("\"b\"", Assert.Single(history.OfType<EventRaisedEvent>()).Input);
    }

    [Fact]
    public async Task ReplayingEveryEpisodeAndKeepingSessionsRecordTheSameDecisions()
    {
        static void Register(DurableTaskRegistry r) => r
            .AddActivityFunc<int, int>("Cube", async (_, n) =>
            {
                await Task.Delay(n % 3);
                return n * n * n;
            })
            .AddOrchestratorFunc<int, long>("Cubes", async (ctx, count) =>
            {
                var items = Enumerable.Range(0, count).ToArray();
                var cubes = await ctx.RunBoundedAsync(items, 4, (n, _) => ctx.CallActivityAsync<int>("Cube", n));
                ctx.SetCustomStatus(new { ctx.InstanceId, count });
                await ctx.CreateTimer(TimeSpan.FromMilliseconds(20), CancellationToken.None);
                return cubes.Sum(c => (long)c);
            });

        async Task<(long Output, List<string> Decisions)> RunAsync(bool extendedSessions)
        {
            await using var test = await TestRuntime.StartAsync(Register, extendedSessions: extendedSessions);
            var id = await test.Client.ScheduleNewOrchestrationInstanceAsync("Cubes", 40, new StartOrchestrationOptions("same-instance"));
            var result = await test.WaitAsync(id);
            var history = await test.Client.GetHistoryAsync(id);

            // Which task ids get which items depends on completion order; the set of decisions does not.
            var decisions = history
                .Select(e => e switch
                {
                    TaskScheduledEvent s => $"task {s.Name}({s.Input})",
                    TimerCreatedEvent => "timer",
                    ExecutionCompletedEvent c => $"completed {c.Status} {c.Result}",
                    _ => null,
                })
                .OfType<string>()
                .Order(StringComparer.Ordinal)
                .ToList();
            return (result.ReadOutputAs<long>(), decisions);
        }

        var replayed = await RunAsync(extendedSessions: false);
        var kept = await RunAsync(extendedSessions: true);

        Assert.Equal(Enumerable.Range(0, 40).Sum(n => (long)n * n * n), replayed.Output);
        Assert.Equal(replayed.Output, kept.Output);
        Assert.Equal(replayed.Decisions, kept.Decisions);
    }

    [Fact]
    public async Task HistoryInAzuriteBlobStorageResumesInANewRuntime()
    {
        await LocalDependencies.EnsureAzuriteAsync();
        var container = new Uri($"{LocalDependencies.AzuriteBlobEndpoint}/durable-{Guid.NewGuid():N}");
        AzureBlobObjectStore Open() => AzureBlobObjectStore.WithAccountKey(container, LocalDependencies.AzuriteAccount.Name, LocalDependencies.AzuriteAccount.Key);
        var setup = Open();
        Assert.True(await setup.CreateContainerAsync());
        try
        {
            var ran = 0;
            DurableTaskRegistry Registry() => new DurableTaskRegistry()
                .AddActivityFunc<string, string>("Stamp", (_, s) =>
                {
                    Interlocked.Increment(ref ran);
                    return Task.FromResult($"[{s}]");
                })
                .AddOrchestratorFunc<string, string>("StampThenWait", async (ctx, s) =>
                {
                    var stamped = await ctx.CallActivityAsync<string>("Stamp", s);
                    var suffix = await ctx.WaitForExternalEvent<string>("Suffix");
                    return stamped + suffix;
                });
            var options = new EmbeddedRuntimeOptions { ClientPollInterval = TimeSpan.FromMilliseconds(50), MaxConcurrentActivities = 2 };

            string id;
            await using (var first = new EmbeddedDurableRuntime(Registry(), Open(), options))
            {
                await first.StartAsync();
                id = await first.Client.ScheduleNewOrchestrationInstanceAsync("StampThenWait", "blob");
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
                while (!(await first.Client.GetHistoryAsync(id)).OfType<TaskCompletedEvent>().Any())
                {
                    Assert.True(DateTime.UtcNow < deadline, "The activity result never reached blob history.");
                    await Task.Delay(20);
                }
            }

            await using var second = new EmbeddedDurableRuntime(Registry(), Open(), options);
            await second.StartAsync();
            await second.Client.RaiseEventAsync(id, "Suffix", "!");
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var result = await second.Client.WaitForInstanceCompletionAsync(id, wait.Token);

            Assert.Equal("[blob]!", result.ReadOutputAs<string>());
            Assert.Equal(1, ran);
            Assert.Equal(1, (await second.Client.PurgeInstanceAsync(id)).PurgedInstanceCount);
            Assert.Null(await second.Client.GetInstanceAsync(id));
        }
        finally
        {
            await setup.DeleteContainerAsync();
        }
    }
}
