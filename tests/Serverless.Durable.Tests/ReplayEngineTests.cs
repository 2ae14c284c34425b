using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Serverless.Durable;
using Serverless.Durable.History;
using Serverless.Durable.Replay;
using Serverless.Durable.Runtime;

namespace Serverless.Durable.Tests;

public sealed class ReplayEngineTests
{
    private static readonly DateTime T0 = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    [Fact]
    public void FirstEpisodeSchedulesTheFirstActivityOnly()
    {
        var result = Execute(new TwoStepOrchestrator(), [], [Started("5"), Episode(T0)]);

        var action = Assert.Single(result.Actions);
        Assert.Equal(new ScheduleTaskAction(0, "First", "5"), action);
    }

    [Fact]
    public void ReplayedHistoryConfirmsPastActionsAndSchedulesOnlyTheNextOne()
    {
        HistoryEvent[] past = [Started("5"), Episode(T0), new TaskScheduledEvent(0, T0, "First", "5"), Done(T0)];
        var result = Execute(new TwoStepOrchestrator(), past, [Episode(T0.AddSeconds(1)), new TaskCompletedEvent(T0, 0, "6")]);

        Assert.Equal([new ScheduleTaskAction(1, "Second", "6")], result.Actions);
    }

    [Fact]
    public void CompletedHistoryProducesTheCompletionWithTheResult()
    {
        HistoryEvent[] past =
        [
            Started("5"), Episode(T0), new TaskScheduledEvent(0, T0, "First", "5"), Done(T0),
            Episode(T0), new TaskCompletedEvent(T0, 0, "6"), new TaskScheduledEvent(1, T0, "Second", "6"), Done(T0),
        ];
        var result = Execute(new TwoStepOrchestrator(), past, [Episode(T0), new TaskCompletedEvent(T0, 1, "12")]);

        var completion = Assert.IsType<CompleteOrchestrationAction>(Assert.Single(result.Actions));
        Assert.Equal(OrchestrationStatus.Completed, completion.Status);
        Assert.Equal("12", completion.Result);
    }

    [Fact]
    public void DifferentActivityNameThanHistoryIsReportedAsNonDeterminism()
    {
        HistoryEvent[] past = [Started("5"), Episode(T0), new TaskScheduledEvent(0, T0, "Reserve", "5"), Done(T0)];
        var result = Execute(new TwoStepOrchestrator(), past, [Episode(T0), new TaskCompletedEvent(T0, 0, "6")], name: "Snapshot");

        var completion = Assert.IsType<CompleteOrchestrationAction>(Assert.Single(result.Actions));
        Assert.Equal(OrchestrationStatus.Failed, completion.Status);
        Assert.Equal(typeof(NonDeterministicOrchestrationException).FullName, completion.FailureDetails?.ErrorType);
        Assert.Equal(
            "Orchestrator 'Snapshot' is non-deterministic: at history event id 0, history records TaskScheduled 'Reserve' (id 0) "
            + "but the replayed code scheduled activity 'First' (id 0).",
            completion.FailureDetails!.ErrorMessage[..completion.FailureDetails.ErrorMessage.IndexOf(". ", StringComparison.Ordinal)] + ".");
    }

    [Fact]
    public void TimerWhereHistoryHasAnActivityIsReportedAsNonDeterminism()
    {
        HistoryEvent[] past = [Started("5"), Episode(T0), new TimerCreatedEvent(0, T0, T0.AddMinutes(1)), Done(T0)];
        var result = Execute(new TwoStepOrchestrator(), past, [Episode(T0)]);

        var completion = Assert.IsType<CompleteOrchestrationAction>(Assert.Single(result.Actions));
        Assert.Contains("history records TimerCreated", completion.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("scheduled activity 'First' (id 0)", completion.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void HistoryWithMoreScheduledTasksThanTheCodeMakesIsReportedAsNonDeterminism()
    {
        HistoryEvent[] past =
        [
            Started("5"), Episode(T0), new TaskScheduledEvent(0, T0, "First", "5"), new TaskScheduledEvent(1, T0, "Extra", null), Done(T0),
        ];
        var result = Execute(new TwoStepOrchestrator(), past, [Episode(T0)]);

        var completion = Assert.IsType<CompleteOrchestrationAction>(Assert.Single(result.Actions));
        Assert.Contains("at history event id 1", completion.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("TaskScheduled 'Extra' (id 1)", completion.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("did not schedule it", completion.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void AwaitingSomethingThatIsNotADurableTaskFailsWithAClearReason()
    {
        var orchestrator = new FuncOrchestrator(async ctx =>
        {
            await Task.Delay(50);
            return 1;
        });
        var result = Execute(orchestrator, [], [Started(null), Episode(T0)]);

        var completion = Assert.IsType<CompleteOrchestrationAction>(Assert.Single(result.Actions));
        Assert.Equal(OrchestrationStatus.Failed, completion.Status);
        Assert.Contains("not a durable task", completion.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void CurrentTimeAndNewGuidComeFromHistoryAndRepeatOnReplay()
    {
        var seen = new List<string>();
        var orchestrator = new FuncOrchestrator(async ctx =>
        {
            seen.Add($"{ctx.CurrentUtcDateTime:O} {ctx.NewGuid()} {ctx.NewGuid()}");
            await ctx.CreateTimer(ctx.CurrentUtcDateTime.AddSeconds(1), CancellationToken.None);
            seen.Add($"{ctx.CurrentUtcDateTime:O} {ctx.NewGuid()}");
            return 0;
        });

        HistoryEvent[] history =
        [
            Started(null), Episode(T0), new TimerCreatedEvent(0, T0, T0.AddSeconds(1)), Done(T0),
            Episode(T0.AddSeconds(7)), new TimerFiredEvent(T0.AddSeconds(7), 0, T0.AddSeconds(1)),
        ];
        Execute(orchestrator, history[..4], history[4..]);
        var firstRun = seen.ToList();
        seen.Clear();
        Execute(orchestrator, history, []);

        Assert.Equal(firstRun, seen);
        Assert.StartsWith(T0.ToString("O"), firstRun[0], StringComparison.Ordinal);
        Assert.StartsWith(T0.AddSeconds(7).ToString("O"), firstRun[1], StringComparison.Ordinal);
        var guids = firstRun[0].Split(' ')[1..].Append(firstRun[1].Split(' ')[1]).ToList();
        Assert.Equal(3, guids.Distinct().Count());
    }

    [Fact]
    public void ReplaySafeLoggerWritesEachMessageOnceAcrossReplays()
    {
        var sink = new CollectingLogger();
        var orchestrator = new FuncOrchestrator(async ctx =>
        {
            var log = ctx.CreateReplaySafeLogger("Test");
            log.LogInformation("step {Step}", 1);
            await ctx.CreateTimer(ctx.CurrentUtcDateTime.AddSeconds(1), CancellationToken.None);
            log.LogInformation("step {Step}", 2);
            return 0;
        });
        HistoryEvent[] past = [Started(null), Episode(T0), new TimerCreatedEvent(0, T0, T0.AddSeconds(1)), Done(T0)];

        using var loggers = new CollectingLoggerFactory(sink);
        var executor = new OrchestrationExecutor(loggerFactory: loggers);
        executor.Execute(orchestrator, "Test", [], past[..2]);
        executor.Execute(orchestrator, "Test", past, [Episode(T0.AddSeconds(1)), new TimerFiredEvent(T0.AddSeconds(1), 0, T0.AddSeconds(1))]);

        Assert.Equal(["step 1", "step 2"], sink.Messages);
    }

    [Fact]
    public void EveryRecordedEpisodeReplaysToTheActionsItRecorded()
    {
        // Run a real orchestration with fan-out, retries and timers, then replay each recorded episode from its
        // history prefix: the engine must reproduce exactly the actions that episode recorded.
        var history = RunAndCaptureHistory();
        var episodeStarts = Enumerable.Range(0, history.Count).Where(i => history[i] is OrchestratorStartedEvent).ToList();
        Assert.True(episodeStarts.Count > 5, $"Expected several episodes, got {episodeStarts.Count}.");

        foreach (var start in episodeStarts)
        {
            var end = history.Skip(start).Select((e, i) => (e, i)).First(x => x.e is OrchestratorCompletedEvent).i + start;
            var episode = history.Skip(start).Take(end - start).ToList();
            var delivered = episode.Where(e => e is not (TaskScheduledEvent or TimerCreatedEvent or ExecutionCompletedEvent)).ToList();
            var recorded = episode.Where(e => e is TaskScheduledEvent or TimerCreatedEvent or ExecutionCompletedEvent).ToList();

            var first = Execute(new FanOutWithRetryOrchestrator(), history.Take(start).ToList(), delivered);
            var second = Execute(new FanOutWithRetryOrchestrator(), history.Take(start).ToList(), delivered);

            Assert.Equal(first.Actions, second.Actions);
            Assert.Equal(recorded.Count, first.Actions.Count);
            for (var i = 0; i < recorded.Count; i++)
            {
                switch (recorded[i], first.Actions[i])
                {
                    case (TaskScheduledEvent s, ScheduleTaskAction a):
                        Assert.Equal((s.EventId, s.Name, s.Input), (a.Id, a.Name, a.Input));
                        break;
                    case (TimerCreatedEvent t, CreateTimerAction a):
                        Assert.Equal((t.EventId, t.FireAt), (a.Id, a.FireAt));
                        break;
                    case (ExecutionCompletedEvent c, CompleteOrchestrationAction a):
                        Assert.Equal((c.Status, c.Result), (a.Status, a.Result));
                        break;
                    default:
                        Assert.Fail($"Episode at {start}: recorded {recorded[i]} but replay produced {first.Actions[i]}.");
                        break;
                }
            }
        }
    }

    private static List<HistoryEvent> RunAndCaptureHistory()
    {
        return Task.Run(async () =>
        {
            var failures = 0;
            await using var test = await TestRuntime.StartAsync(r => r
                .AddActivityFunc<int, int>("Work", (_, n) =>
                    n == 3 && Interlocked.Increment(ref failures) == 1 ? throw new IOException("once") : Task.FromResult(n * 10))
                .AddOrchestrator("FanOutWithRetry", () => new FanOutWithRetryOrchestrator()));
            var id = await test.Client.ScheduleNewOrchestrationInstanceAsync("FanOutWithRetry", 12);
            var result = await test.WaitAsync(id);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
            return (await test.Client.GetHistoryAsync(id)).ToList();
        }).GetAwaiter().GetResult();
    }

    private static OrchestratorResult Execute(
        ITaskOrchestrator orchestrator,
        IReadOnlyList<HistoryEvent> past,
        IReadOnlyList<HistoryEvent> newEvents,
        string name = "Test") =>
        new OrchestrationExecutor().Execute(orchestrator, name, past, newEvents);

    private static ExecutionStartedEvent Started(string? input) => new(T0, "Test", "instance-1", "execution-1", input);

    private static OrchestratorStartedEvent Episode(DateTime at) => new(at);

    private static OrchestratorCompletedEvent Done(DateTime at) => new(at);

    private sealed class TwoStepOrchestrator : TaskOrchestrator<int, int>
    {
        public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
        {
            var first = await context.CallActivityAsync<int>("First", input);
            return await context.CallActivityAsync<int>("Second", first);
        }
    }

    private sealed class FanOutWithRetryOrchestrator : TaskOrchestrator<int, int>
    {
        public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
        {
            var retry = TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromMilliseconds(20)));
            var items = Enumerable.Range(0, input).ToArray();
            var results = await context.RunBoundedAsync(items, 3, (n, _) => context.CallActivityAsync<int>("Work", n, retry));
            context.SetCustomStatus(new { done = results.Length });
            await context.CreateTimer(TimeSpan.FromMilliseconds(10), CancellationToken.None);
            return results.Sum();
        }
    }

    private sealed class FuncOrchestrator(Func<TaskOrchestrationContext, Task<int>> run) : TaskOrchestrator<object?, int>
    {
        public override Task<int> RunAsync(TaskOrchestrationContext context, object? input) => run(context);
    }

    private sealed class CollectingLoggerFactory(CollectingLogger logger) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => logger;

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }

    private sealed class CollectingLogger : ILogger
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}
