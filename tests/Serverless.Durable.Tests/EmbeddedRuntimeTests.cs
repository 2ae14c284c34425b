using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Durable;
using Serverless.Durable.History;
using Serverless.Durable.Runtime;
using Serverless.Testing;

namespace Serverless.Durable.Tests;

public sealed class EmbeddedRuntimeTests
{
    [Fact]
    public async Task SequenceOfActivitiesRunsInOrderAndChainsResults()
    {
        var calls = new List<string>();
        await using var test = await TestRuntime.StartAsync(r => r
            .AddActivityFunc<string, string>("Append", (_, s) =>
            {
                lock (calls)
                {
                    calls.Add(s);
                }

                return Task.FromResult(s + "x");
            })
            .AddOrchestratorFunc<string, string>("Chain", async (ctx, seed) =>
            {
                var a = await ctx.CallActivityAsync<string>("Append", seed);
                var b = await ctx.CallActivityAsync<string>("Append", a);
                return await ctx.CallActivityAsync<string>("Append", b);
            }));

        var id = await test.Client.ScheduleNewOrchestrationInstanceAsync("Chain", "s");
        var result = await test.WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal("sxxx", result.ReadOutputAs<string>());
        Assert.Equal(["s", "sx", "sxx"], calls);
    }

    [Fact]
    public async Task ClassBasedTasksAreBuiltWithConstructorInjection()
    {
        var services = new ServiceCollection().AddSingleton<Greeter>().BuildServiceProvider();
        await using var test = await TestRuntime.StartAsync(
            r => r.AddOrchestrator<GreetingOrchestrator>().AddActivity<GreetActivity>(),
            services: services);

        var id = await test.Client.ScheduleNewOrchestrationInstanceAsync(nameof(GreetingOrchestrator), new GreetingRequest("Ada", 2));
        var result = await test.WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(["Hello, Ada!", "Hello, Ada!"], result.ReadOutputAs<string[]>()!);
    }

    [Fact]
    public async Task BoundedFanOutOfTwoHundredActivitiesNeverHasMoreThanEightInFlight()
    {
        var gauge = new ConcurrencyGauge();
        await using var test = await TestRuntime.StartAsync(
            r => r
                .AddActivityFunc<int, int>("Square", (_, n) => gauge.MeasureAsync(async () =>
                {
                    await Task.Delay(3);
                    return n * n;
                }))
                .AddOrchestratorFunc<int, long>("SumOfSquares", async (ctx, count) =>
                {
                    var items = Enumerable.Range(1, count).ToArray();
                    var squares = await ctx.RunBoundedAsync(items, 8, (n, _) => ctx.CallActivityAsync<int>("Square", n));
                    return squares.Sum(s => (long)s);
                }),
            maxConcurrentActivities: 32);

        var id = await test.Client.ScheduleNewOrchestrationInstanceAsync("SumOfSquares", 200);
        var result = await test.WaitAsync(id, seconds: 60);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(Enumerable.Range(1, 200).Sum(n => (long)n * n), result.ReadOutputAs<long>());
        Assert.Equal(200, gauge.Total);
        Assert.InRange(gauge.Peak, 2, 8);
    }

    [Fact]
    public async Task UnboundedFanOutIsLimitedByTheWorkerPool()
    {
        var gauge = new ConcurrencyGauge();
        await using var test = await TestRuntime.StartAsync(
            r => r
                .AddActivityFunc<int, int>("Echo", (_, n) => gauge.MeasureAsync(async () =>
                {
                    await Task.Delay(5);
                    return n;
                }))
                .AddOrchestratorFunc<int, int>("FanOut", async (ctx, count) =>
                {
                    var tasks = Enumerable.Range(0, count).Select(i => ctx.CallActivityAsync<int>("Echo", i)).ToArray();
                    var results = await Task.WhenAll(tasks);
                    return results.Sum();
                }),
            maxConcurrentActivities: 3);

        var id = await test.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", 60);
        var result = await test.WaitAsync(id);

        Assert.Equal(Enumerable.Range(0, 60).Sum(), result.ReadOutputAs<int>());
        Assert.InRange(gauge.Peak, 2, 3);
    }

    [Fact]
    public async Task RetryPolicyRetriesWithBackoffThenSucceeds()
    {
        var attempts = 0;
        await using var test = await TestRuntime.StartAsync(r => r
            .AddActivityFunc<string, string>("Flaky", (_, s) =>
                Interlocked.Increment(ref attempts) < 3 ? throw new IOException("transient outage") : Task.FromResult(s.ToUpperInvariant()))
            .AddOrchestratorFunc<string, string>("Retrying", (ctx, s) =>
                ctx.CallActivityAsync<string>(
                    "Flaky",
                    s,
                    TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromMilliseconds(40), backoffCoefficient: 2)))));

        var id = await test.Client.ScheduleNewOrchestrationInstanceAsync("Retrying", "ok");
        var result = await test.WaitAsync(id);
        var history = await test.Client.GetHistoryAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal("OK", result.ReadOutputAs<string>());
        Assert.Equal(3, attempts);
        Assert.Equal(3, history.OfType<TaskScheduledEvent>().Count());
        Assert.Equal(2, history.OfType<TaskFailedEvent>().Count());

        // Backoff is recorded as durable timers: 40 ms after the first failure, 80 ms after the second.
        var timers = history.OfType<TimerCreatedEvent>().ToList();
        Assert.Equal(2, timers.Count);
        Assert.Equal(TimeSpan.FromMilliseconds(40), timers[0].FireAt - timers[0].Timestamp);
        Assert.Equal(TimeSpan.FromMilliseconds(80), timers[1].FireAt - timers[1].Timestamp);
    }

    [Fact]
    public async Task RetryPolicyGivesUpAfterMaxAttemptsAndSurfacesTheActivityFailure()
    {
        var attempts = 0;
        await using var test = await TestRuntime.StartAsync(r => r
            .AddActivityFunc<int, int>("AlwaysFails", (_, _) =>
            {
                Interlocked.Increment(ref attempts);
                return Task.FromException<int>(new InvalidOperationException("disk is on fire"));
            })
            .AddOrchestratorFunc<int, int>("GivesUp", (ctx, n) =>
                ctx.CallActivityAsync<int>("AlwaysFails", n, TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromMilliseconds(10))))));

        var id = await test.Client.ScheduleNewOrchestrationInstanceAsync("GivesUp", 1);
        var result = await test.WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal(3, attempts);
        var failure = Assert.IsType<TaskFailureDetails>(result.FailureDetails);
        Assert.Equal(typeof(TaskFailedException).FullName, failure.ErrorType);
        Assert.Contains("'AlwaysFails'", failure.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(typeof(InvalidOperationException).FullName, failure.InnerFailure?.ErrorType);
        Assert.Equal("disk is on fire", failure.InnerFailure?.ErrorMessage);
    }

    [Fact]
    public async Task ActivityFailureReachesTheOrchestratorAsTaskFailedExceptionWithTypeAndMessage()
    {
        await using var test = await TestRuntime.StartAsync(r => r
            .AddActivityFunc<int, int>("Divide", (_, n) => Task.FromResult(10 / n))
            .AddOrchestratorFunc<int, string>("Catches", async (ctx, n) =>
            {
                try
                {
                    await ctx.CallActivityAsync<int>("Divide", n);
                    return "no failure";
                }
                catch (TaskFailedException ex)
                {
                    return $"{ex.TaskName}|{ex.FailureDetails.ErrorType}|{ex.FailureDetails.ErrorMessage}";
                }
            }));

        var id = await test.Client.ScheduleNewOrchestrationInstanceAsync("Catches", 0);
        var result = await test.WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal($"Divide|{typeof(DivideByZeroException).FullName}|{new DivideByZeroException().Message}", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task RetryPolicyHandleFailureThatDeclinesStopsTheRetriesAtOnce()
    {
        // The SDK's way to mark a failure not worth retrying: the policy's HandleFailure sees the failure's details.
        var attempts = 0;
        var policy = new RetryPolicy(5, TimeSpan.FromMilliseconds(10)) { HandleFailure = f => !f.IsCausedBy<InvalidDataException>() };
        await using var test = await TestRuntime.StartAsync(r => r
            .AddActivityFunc<int, int>("BadInput", (_, _) =>
            {
                Interlocked.Increment(ref attempts);
                return Task.FromException<int>(new InvalidDataException("column 'x' does not exist"));
            })
            .AddOrchestratorFunc<int, int>("Once", (ctx, n) =>
                ctx.CallActivityAsync<int>("BadInput", n, TaskOptions.FromRetryPolicy(policy))));

        var result = await test.WaitAsync(await test.Client.ScheduleNewOrchestrationInstanceAsync("Once", 1));

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal(1, attempts);
        Assert.True(result.FailureDetails!.InnerFailure!.IsCausedBy<InvalidDataException>(), result.FailureDetails.ToString());
    }

    [Fact]
    public async Task DurableTimerDelaysTheOrchestrationAndAdvancesItsClock()
    {
        await using var test = await TestRuntime.StartAsync(r => r
            .AddOrchestratorFunc<int, double>("Sleeper", async (ctx, ms) =>
            {
                var before = ctx.CurrentUtcDateTime;
                await ctx.CreateTimer(TimeSpan.FromMilliseconds(ms), CancellationToken.None);
                return (ctx.CurrentUtcDateTime - before).TotalMilliseconds;
            }));

        var started = DateTime.UtcNow;
        var result = await test.WaitAsync(await test.Client.ScheduleNewOrchestrationInstanceAsync("Sleeper", 300));
        var elapsed = DateTime.UtcNow - started;

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.True(result.ReadOutputAs<double>() >= 300, $"The orchestrator's clock advanced only {result.ReadOutputAs<double>()} ms across a 300 ms timer.");
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(300), $"The orchestration finished after {elapsed.TotalMilliseconds} ms, before its 300 ms timer.");
    }

    [Fact]
    public async Task ExternalEventIsDeliveredToTheWaitingOrchestrator()
    {
        await using var test = await TestRuntime.StartAsync(r => r
            .AddOrchestratorFunc<string, string>("Approval", async (ctx, who) =>
            {
                var decision = await ctx.WaitForExternalEvent<ApprovalDecision>("Decision");
                return $"{who}:{decision.Approved}:{decision.By}";
            }));

        var id = await test.Client.ScheduleNewOrchestrationInstanceAsync("Approval", "job-7");
        await WaitForStatusAsync(test, id, OrchestrationRuntimeStatus.Running);
        await test.Client.RaiseEventAsync(id, "decision", new ApprovalDecision(true, "ops"));
        var result = await test.WaitAsync(id);

        Assert.Equal("job-7:True:ops", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task ExternalEventRaisedBeforeTheWaitIsBuffered()
    {
        await using var test = await TestRuntime.StartAsync(r => r
            .AddActivityFunc<int, int>("Slow", async (_, n) =>
            {
                await Task.Delay(200);
                return n;
            })
            .AddOrchestratorFunc<int, int>("LateWaiter", async (ctx, n) =>
            {
                var first = await ctx.CallActivityAsync<int>("Slow", n);
                return first + await ctx.WaitForExternalEvent<int>("Bonus");
            }));

        var id = await test.Client.ScheduleNewOrchestrationInstanceAsync("LateWaiter", 1);
        await test.Client.RaiseEventAsync(id, "Bonus", 41);
        var result = await test.WaitAsync(id);

        Assert.Equal(42, result.ReadOutputAs<int>());
    }

    [Fact]
    public async Task ExternalEventWaitWithATimeoutIsCanceledWhenItsTimerFiresFirst()
    {
        await using var test = await TestRuntime.StartAsync(r => r
            .AddOrchestratorFunc<int, string>("Impatient", async (ctx, ms) =>
            {
                try
                {
                    return await ctx.WaitForExternalEvent<string>("Never", TimeSpan.FromMilliseconds(ms));
                }
                catch (TaskCanceledException)
                {
                    // The SDK's timeout overload cancels the wait when its durable timer fires first.
                    return "timed out";
                }
            }));

        var result = await test.WaitAsync(await test.Client.ScheduleNewOrchestrationInstanceAsync("Impatient", 150));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal("timed out", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task ExternalEventArrivingBeforeTheTimeoutWinsAndTheTimerIsIgnored()
    {
        static void Register(DurableTaskRegistry r) => r
            .AddOrchestratorFunc<int, string>("Patient", async (ctx, ms) =>
            {
                var value = await ctx.WaitForExternalEvent<string>("Go", TimeSpan.FromMilliseconds(ms));

                // The abandoned timeout timer fires during this second, longer wait; it must not disturb it.
                await ctx.CreateTimer(TimeSpan.FromMilliseconds(ms * 2), CancellationToken.None);
                return value;
            });

        // The start and the event are both waiting before any runtime runs, so the first episode already holds the
        // event: it wins however slowly the machine runs, and the timeout still fires while the orchestrator waits.
        using var folder = new TempDirectory("durable-event-first");
        string id;
        await using (var offline = await TestRuntime.StartAsync(Register, sharedFolder: folder, start: false))
        {
            id = await offline.Client.ScheduleNewOrchestrationInstanceAsync("Patient", 200);
            await offline.Client.RaiseEventAsync(id, "Go", "went");
        }

        await using var test = await TestRuntime.StartAsync(Register, sharedFolder: folder);
        var result = await test.WaitAsync(id);

        Assert.True(OrchestrationRuntimeStatus.Completed == result.RuntimeStatus, result.FailureDetails?.ToString());
        Assert.Equal("went", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task ContinueAsNewStartsAFreshHistoryEachTime()
    {
        await using var test = await TestRuntime.StartAsync(r => r
            .AddActivityFunc<int, int>("Increment", (_, n) => Task.FromResult(n + 1))
            .AddOrchestratorFunc<int, int>("Counter", async (ctx, n) =>
            {
                var next = await ctx.CallActivityAsync<int>("Increment", n);
                if (next < 5)
                {
                    ctx.ContinueAsNew(next);
                }

                return next;
            }));

        var id = await test.Client.ScheduleNewOrchestrationInstanceAsync("Counter", 0);
        var result = await test.WaitAsync(id);
        var history = await test.Client.GetHistoryAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(5, result.ReadOutputAs<int>());
        Assert.Equal(4, result.ReadInputAs<int>());
        var started = Assert.Single(history.OfType<ExecutionStartedEvent>());
        Assert.Equal("4", started.Input);
        Assert.Single(history.OfType<TaskScheduledEvent>());
        var onDisk = Directory.GetFiles(test.Folder, "*.json", SearchOption.AllDirectories);
        Assert.All(onDisk, f => Assert.Contains($"{Path.DirectorySeparatorChar}g000004{Path.DirectorySeparatorChar}", f, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ContinueAsNewWithoutAwaitingAnythingRunsThroughManyExecutions()
    {
        await using var test = await TestRuntime.StartAsync(r => r
            .AddOrchestratorFunc<int, int>("Spinner", (ctx, n) =>
            {
                if (n < 25)
                {
                    ctx.ContinueAsNew(n + 1);
                }

                return Task.FromResult(n);
            }));

        var result = await test.WaitAsync(await test.Client.ScheduleNewOrchestrationInstanceAsync("Spinner", 0));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(25, result.ReadOutputAs<int>());
    }

    [Fact]
    public async Task CustomStatusIsVisibleToTheClientWhileRunning()
    {
        await using var test = await TestRuntime.StartAsync(r => r
            .AddOrchestratorFunc<string, string>("Phased", async (ctx, _) =>
            {
                ctx.SetCustomStatus(new PhaseStatus("copying", 3));
                await ctx.WaitForExternalEvent<bool>("Continue");
                ctx.SetCustomStatus(new PhaseStatus("done", 10));
                return "finished";
            }));

        var id = await test.Client.ScheduleNewOrchestrationInstanceAsync("Phased", "x");

        // The status is written just after the episode's history batch, so a reader can see the instance Running a moment
        // before its status: what is guaranteed is that the status shows while the instance still runs (it waits for an event).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        OrchestrationMetadata? running;
        while ((running = await test.Client.GetInstanceAsync(id))?.SerializedCustomStatus is null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Instance {id} showed no custom status (last: {running?.RuntimeStatus}).");
            await Task.Delay(20);
        }

        Assert.Equal(OrchestrationRuntimeStatus.Running, running.RuntimeStatus);
        Assert.Equal(new PhaseStatus("copying", 3), running.ReadCustomStatusAs<PhaseStatus>());

        await test.Client.RaiseEventAsync(id, "Continue", true);
        var result = await test.WaitAsync(id);
        Assert.Equal(new PhaseStatus("done", 10), result.ReadCustomStatusAs<PhaseStatus>());
    }

    [Fact]
    public async Task TerminateStopsAWaitingInstanceWithTheReasonAsOutput()
    {
        await using var test = await TestRuntime.StartAsync(r => r
            .AddOrchestratorFunc<int, int>("Forever", async (ctx, _) => await ctx.WaitForExternalEvent<int>("NeverComes")));

        var id = await test.Client.ScheduleNewOrchestrationInstanceAsync("Forever", 0);
        await WaitForStatusAsync(test, id, OrchestrationRuntimeStatus.Running);
        await test.Client.TerminateInstanceAsync(id, "operator stopped it");
        var result = await test.WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, result.RuntimeStatus);
        Assert.Equal("operator stopped it", result.ReadOutputAs<string>());

        // Requests to a finished instance are ignored; to a missing one they are refused.
        await test.Client.RaiseEventAsync(id, "NeverComes", 1);
        await test.Client.TerminateInstanceAsync(id, "again");
        Assert.Equal("operator stopped it", (await test.Client.GetInstanceAsync(id))!.ReadOutputAs<string>());
        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => test.Client.RaiseEventAsync("no-such-instance", "E", 1));
        Assert.Contains("No orchestration instance 'no-such-instance'", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PurgeRemovesAFinishedInstanceAndRefusesARunningOne()
    {
        await using var test = await TestRuntime.StartAsync(r => r
            .AddOrchestratorFunc<int, int>("Echo", (_, n) => Task.FromResult(n))
            .AddOrchestratorFunc<int, int>("Waits", async (ctx, _) => await ctx.WaitForExternalEvent<int>("E")));

        var done = await test.Client.ScheduleNewOrchestrationInstanceAsync("Echo", 5, new StartOrchestrationOptions("purge-me"));
        await test.WaitAsync(done);
        var waiting = await test.Client.ScheduleNewOrchestrationInstanceAsync("Waits", 0);
        await WaitForStatusAsync(test, waiting, OrchestrationRuntimeStatus.Running);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => test.Client.PurgeInstanceAsync(waiting));
        Assert.Contains("Running", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await test.Client.PurgeInstanceAsync(done)).PurgedInstanceCount);
        Assert.Null(await test.Client.GetInstanceAsync(done));
        Assert.Equal(0, (await test.Client.PurgeInstanceAsync(done)).PurgedInstanceCount);

        // The id is free again.
        var again = await test.Client.ScheduleNewOrchestrationInstanceAsync("Echo", 6, new StartOrchestrationOptions("purge-me"));
        Assert.Equal(6, (await test.WaitAsync(again)).ReadOutputAs<int>());
    }

    [Fact]
    public async Task SchedulingAnExistingInstanceIdIsRefused()
    {
        await using var test = await TestRuntime.StartAsync(r => r.AddOrchestratorFunc<int, int>("Echo", (_, n) => Task.FromResult(n)));

        await test.Client.ScheduleNewOrchestrationInstanceAsync("Echo", 1, new StartOrchestrationOptions("same-id"));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => test.Client.ScheduleNewOrchestrationInstanceAsync("Echo", 2, new StartOrchestrationOptions("same-id")));

        Assert.Contains("'same-id' already exists", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnregisteredActivityFailsTheCallWithTheRegisteredNames()
    {
        await using var test = await TestRuntime.StartAsync(r => r
            .AddActivityFunc<int, int>("Known", (_, n) => Task.FromResult(n))
            .AddOrchestratorFunc<int, int>("CallsTypo", (ctx, n) => ctx.CallActivityAsync<int>("Knwon", n)));

        var result = await test.WaitAsync(await test.Client.ScheduleNewOrchestrationInstanceAsync("CallsTypo", 1));

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal("ActivityNotFound", result.FailureDetails?.InnerFailure?.ErrorType);
        Assert.Contains("No activity named 'Knwon'", result.FailureDetails?.InnerFailure?.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("registered: Known", result.FailureDetails?.InnerFailure?.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangedOrchestratorCodeFailsReplayWithNonDeterminismNamingTheDifference()
    {
        using var folder = new Serverless.Testing.TempDirectory("durable-nondeterminism");
        string id;
        await using (var v1 = await TestRuntime.StartAsync(
            r => r
                .AddActivityFunc<int, int>("ReserveSpace", (_, n) => Task.FromResult(n))
                .AddActivityFunc<int, int>("CopyTables", (_, n) => Task.FromResult(n))
                .AddOrchestratorFunc<int, int>("Migration", async (ctx, n) =>
                {
                    await ctx.CallActivityAsync<int>("ReserveSpace", n);
                    return await ctx.WaitForExternalEvent<int>("Go");
                }),
            sharedFolder: folder))
        {
            id = await v1.Client.ScheduleNewOrchestrationInstanceAsync("Migration", 1);
            await WaitForHistoryAsync(v1, id, h => h.OfType<TaskCompletedEvent>().Any());
        }

        // Version 2 of the code, deployed while the instance is in flight, calls a different activity first.
        await using var v2 = await TestRuntime.StartAsync(
            r => r
                .AddActivityFunc<int, int>("ReserveSpace", (_, n) => Task.FromResult(n))
                .AddActivityFunc<int, int>("CopyTables", (_, n) => Task.FromResult(n))
                .AddOrchestratorFunc<int, int>("Migration", async (ctx, n) =>
                {
                    await ctx.CallActivityAsync<int>("CopyTables", n);
                    return await ctx.WaitForExternalEvent<int>("Go");
                }),
            sharedFolder: folder);
        await v2.Client.RaiseEventAsync(id, "Go", 1);
        var result = await v2.WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal(typeof(Replay.NonDeterministicOrchestrationException).FullName, result.FailureDetails?.ErrorType);
        var message = result.FailureDetails!.ErrorMessage;
        Assert.Contains("Orchestrator 'Migration' is non-deterministic", message, StringComparison.Ordinal);
        Assert.Contains("history event id 0", message, StringComparison.Ordinal);
        Assert.Contains("TaskScheduled 'ReserveSpace'", message, StringComparison.Ordinal);
        Assert.Contains("activity 'CopyTables'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoRuntimesRacingOnOneFolderRecordEachResultOnce()
    {
        using var folder = new Serverless.Testing.TempDirectory("durable-race");
        static void Register(DurableTaskRegistry r) => r
            .AddActivityFunc<int, int>("Double", async (_, n) =>
            {
                await Task.Delay(2);
                return n * 2;
            })
            .AddOrchestratorFunc<int, int>("Doubles", async (ctx, count) =>
            {
                var sum = 0;
                for (var i = 0; i < count; i++)
                {
                    sum += await ctx.CallActivityAsync<int>("Double", i);
                }

                return sum;
            });

        await using var first = await TestRuntime.StartAsync(Register, sharedFolder: folder, start: false);
        await using var second = await TestRuntime.StartAsync(Register, sharedFolder: folder, start: false);
        var id = await first.Client.ScheduleNewOrchestrationInstanceAsync("Doubles", 30);
        await Task.WhenAll(first.Runtime.StartAsync(), second.Runtime.StartAsync());
        second.Runtime.Signal(id);

        var result = await first.WaitAsync(id);
        var history = await first.Client.GetHistoryAsync(id);

        Assert.Equal(Enumerable.Range(0, 30).Sum() * 2, result.ReadOutputAs<int>());
        var completedIds = history.OfType<TaskCompletedEvent>().Select(e => e.TaskScheduledId).ToList();
        Assert.Equal(completedIds.Distinct().Count(), completedIds.Count);
        Assert.Equal(30, history.OfType<TaskScheduledEvent>().Count());
    }

    internal static async Task<OrchestrationMetadata> WaitForStatusAsync(TestRuntime test, string id, OrchestrationRuntimeStatus status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var metadata = await test.Client.GetInstanceAsync(id);
            if (metadata?.RuntimeStatus == status)
            {
                return metadata;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Instance {id} did not reach {status} (last: {metadata?.RuntimeStatus}).");
            await Task.Delay(20);
        }
    }

    internal static async Task WaitForHistoryAsync(TestRuntime test, string id, Func<IReadOnlyList<HistoryEvent>, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition(await test.Client.GetHistoryAsync(id)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"History of {id} did not reach the expected state.");
            await Task.Delay(20);
        }
    }

    internal sealed record ApprovalDecision(bool Approved, string By);

    internal sealed record PhaseStatus(string Phase, int TablesDone);

    internal sealed record GreetingRequest(string Name, int Times);

    internal sealed class Greeter
    {
        public string Greet(string name) => $"Hello, {name}!";
    }

    internal sealed class GreetActivity(Greeter greeter) : TaskActivity<string, string>
    {
        public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult(greeter.Greet(input));
    }

    internal sealed class GreetingOrchestrator : TaskOrchestrator<GreetingRequest, string[]>
    {
        public override async Task<string[]> RunAsync(TaskOrchestrationContext context, GreetingRequest input)
        {
            var greetings = new string[input.Times];
            for (var i = 0; i < input.Times; i++)
            {
                greetings[i] = await context.CallActivityAsync<string>(nameof(GreetActivity), input.Name);
            }

            return greetings;
        }
    }
}
