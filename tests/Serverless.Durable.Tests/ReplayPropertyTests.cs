using FsCheck;
using FsCheck.Fluent;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Durable;
using Serverless.Durable.History;
using Serverless.Durable.Replay;

namespace Serverless.Durable.Tests;

/// <summary>
/// Drives the replay engine with an in-memory runtime loop that delivers results in a random order and in
/// random batch sizes, then checks the invariants that must hold for every interleaving.
/// </summary>
public sealed class ReplayPropertyTests
{
    private const int Bound = 3;
    private static readonly DateTime T0 = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void AnyDeliveryOrderRespectsTheBoundAndReplaysToTheRecordedOutcome()
    {
        var property = Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var random = new Random(seed);
            var itemCount = random.Next(0, 25);
            var (history, peakOutstanding) = Simulate(itemCount, random);

            var recorded = history.OfType<ExecutionCompletedEvent>().Single();
            var expected = Enumerable.Range(0, itemCount).Sum(i => (i * 7) + 1) + 1000;

            // Replaying the whole history from scratch schedules nothing new and reaches the same outcome.
            var replay = new OrchestrationExecutor().Execute(new BoundedOrchestrator(), "Bounded", history, []);
            var completion = Assert.IsType<CompleteOrchestrationAction>(Assert.Single(replay.Actions));

            return recorded.Status == OrchestrationStatus.Completed
                && recorded.Result == expected.ToString(System.Globalization.CultureInfo.InvariantCulture)
                && completion.Status == recorded.Status
                && completion.Result == recorded.Result
                && peakOutstanding <= Bound
                && history.OfType<TaskScheduledEvent>().Select(e => e.EventId).Distinct().Count() == itemCount + 1;
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60), property);
    }

    private static (List<HistoryEvent> History, int PeakOutstanding) Simulate(int itemCount, Random random)
    {
        var executor = new OrchestrationExecutor();
        var history = new List<HistoryEvent> { new ExecutionStartedEvent(T0, "Bounded", "prop", "exec", itemCount.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
        var outstanding = new List<TaskScheduledEvent>();
        var timers = new List<TimerCreatedEvent>();
        var peak = 0;
        var now = T0;
        for (var episode = 0; episode < 500; episode++)
        {
            now = now.AddSeconds(1);
            var newEvents = new List<HistoryEvent> { new OrchestratorStartedEvent(now) };

            // Deliver a random, non-empty subset of outstanding results in random order (none in the first episode).
            var deliver = outstanding.Count == 0 ? 0 : random.Next(1, outstanding.Count + 1);
            for (var i = 0; i < deliver; i++)
            {
                var task = outstanding[random.Next(outstanding.Count)];
                outstanding.Remove(task);
                var value = int.Parse(task.Input!, System.Globalization.CultureInfo.InvariantCulture);
                newEvents.Add(new TaskCompletedEvent(now, task.EventId, ((value * 7) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            foreach (var timer in timers.Where(t => t.FireAt <= now).ToList())
            {
                timers.Remove(timer);
                newEvents.Add(new TimerFiredEvent(now, timer.EventId, timer.FireAt));
            }

            var result = executor.Execute(new BoundedOrchestrator(), "Bounded", history, newEvents);
            history.AddRange(newEvents);
            foreach (var action in result.Actions)
            {
                switch (action)
                {
                    case ScheduleTaskAction s:
                        var scheduled = new TaskScheduledEvent(s.Id, now, s.Name, s.Input);
                        history.Add(scheduled);
                        outstanding.Add(scheduled);
                        break;
                    case CreateTimerAction t:
                        var created = new TimerCreatedEvent(t.Id, now, t.FireAt);
                        history.Add(created);
                        timers.Add(created);
                        break;
                    case CompleteOrchestrationAction c:
                        history.Add(new ExecutionCompletedEvent(now, c.Status, c.Result, c.FailureDetails));
                        history.Add(new OrchestratorCompletedEvent(now));
                        return (history, peak);
                }
            }

            history.Add(new OrchestratorCompletedEvent(now));
            peak = Math.Max(peak, outstanding.Count(t => t.Name == "Item"));
        }

        throw new InvalidOperationException($"The orchestration did not finish within 500 episodes (items {itemCount}).");
    }

    private sealed class BoundedOrchestrator : TaskOrchestrator<int, int>
    {
        public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
        {
            var results = await context.RunBoundedAsync(Enumerable.Range(0, input).ToArray(), Bound, (i, _) => context.CallActivityAsync<int>("Item", i));
            await context.CreateTimer(TimeSpan.FromSeconds(2), CancellationToken.None);
            var tail = await context.CallActivityAsync<int>("Tail", 0); // the simulated runtime answers 0 * 7 + 1
            return results.Sum() + (1000 * tail);
        }
    }
}
