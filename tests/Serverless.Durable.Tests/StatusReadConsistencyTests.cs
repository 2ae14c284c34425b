using Serverless.Durable.History;
using Serverless.Durable.Runtime;
using Serverless.Durable.Sdk;

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

        Assert.Equal(OrchestrationStatus.Completed, result.RuntimeStatus);
        Assert.Equal(Enumerable.Range(1, 8).Sum(n => n * n) + 0 + 1 + 4, result.ReadOutputAs<int>());
        harness.AssertConsistent(OrchestrationStatus.Pending, OrchestrationStatus.Running, OrchestrationStatus.Completed);
    }

    [Fact]
    public async Task FailedActivityFailingTheOrchestrationReadsTheSameAsFullHistoryAtEveryStep()
    {
        await using var harness = await StepCheckedRuntime.StartAsync(r => r
            .AddActivityFunc<string, string>("Boom", (_, s) => throw new InvalidOperationException($"disk full while writing {s}"))
            .AddOrchestratorFunc<string, string>("Failing", async (ctx, s) =>
            {
                ctx.SetCustomStatus("about to fail");
                return await ctx.CallActivityAsync<string>("Boom", s);
            }));

        var id = await harness.Client.ScheduleNewOrchestrationInstanceAsync("Failing", "t1");
        var result = await harness.WaitAsync(id);

        Assert.Equal(OrchestrationStatus.Failed, result.RuntimeStatus);
        Assert.True(result.FailureDetails!.IsCausedBy<InvalidOperationException>());
        Assert.Equal("\"about to fail\"", result.SerializedCustomStatus);
        harness.AssertConsistent(OrchestrationStatus.Pending, OrchestrationStatus.Running, OrchestrationStatus.Failed);
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
        await harness.Client.TerminateAsync(id, "operator stopped it");
        var result = await harness.WaitAsync(id);

        Assert.Equal(OrchestrationStatus.Terminated, result.RuntimeStatus);
        Assert.Equal("operator stopped it", result.ReadOutputAs<string>());
        harness.AssertConsistent(OrchestrationStatus.Pending, OrchestrationStatus.Running, OrchestrationStatus.Terminated);
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

        Assert.Equal(OrchestrationStatus.Completed, result.RuntimeStatus);
        Assert.Equal(3, result.ReadOutputAs<int>());
        Assert.Equal(2, result.ReadInputAs<int>());
        Assert.Contains(history, e => e is EventRaisedEvent { Name: "Extra" });
        harness.AssertConsistent(
            OrchestrationStatus.Pending, OrchestrationStatus.Running, OrchestrationStatus.ContinuedAsNew, OrchestrationStatus.Completed);
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
        harness.AssertConsistent(OrchestrationStatus.Pending, OrchestrationStatus.Running, OrchestrationStatus.Completed);
    }

    [Fact]
    public async Task MissingInstanceReadsAsNullOnBothPaths()
    {
        await using var harness = await StepCheckedRuntime.StartAsync(r => r.AddOrchestratorFunc<int, int>("Unused", (_, n) => Task.FromResult(n)));

        Assert.Null(await harness.Client.GetInstanceAsync("no-such-instance"));
        Assert.Null(await harness.Runtime.Store.LoadAsync("no-such-instance", CancellationToken.None));
    }
}
