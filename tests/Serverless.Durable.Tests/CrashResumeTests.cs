using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Durable.History;
using Serverless.Durable.Runtime;
using Serverless.Testing;

namespace Serverless.Durable.Tests;

public sealed class CrashResumeTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task OrchestrationKilledMidwayInAChildProcessResumesWithoutRerunningCompletedActivities()
    {
        using var folder = new TempDirectory("durable-crash");
        var store = Path.Combine(folder.Path, "store");
        var ledger = Path.Combine(folder.Path, "ledger.txt");
        File.WriteAllText(ledger, string.Empty);

        // Create the instance with a runtime that is never started; the child process picks it up from the folder.
        var observer = EmbeddedDurableRuntime.ForLocalFolder(store, CrashWorkflow.Register(new DurableTaskRegistry(), ledger), CrashWorkflow.Options());
        await using (observer)
        {
            var id = await observer.Client.ScheduleNewOrchestrationInstanceAsync(CrashWorkflow.OrchestratorName, CrashWorkflow.Steps, new StartOrchestrationOptions("crash-1"));

            using (var child = StartCrashHost(store, ledger))
            {
                try
                {
                    await WaitForCompletedStepsAsync(observer.Client, id, atLeast: 4, child);
                }
                finally
                {
                    child.Kill(entireProcessTree: true); // SIGKILL: no cleanup, no flush, mid-activity.
                    await child.WaitForExitAsync();
                }
            }

            var historyAtKill = await observer.Client.GetHistoryAsync(id);
            var stepByTask = historyAtKill.OfType<TaskScheduledEvent>().ToDictionary(e => e.EventId, e => int.Parse(e.Input!, System.Globalization.CultureInfo.InvariantCulture));
            var completedBeforeKill = historyAtKill.OfType<TaskCompletedEvent>().Select(e => stepByTask[e.TaskScheduledId]).ToHashSet();
            Assert.InRange(completedBeforeKill.Count, 4, CrashWorkflow.Steps - 1);
            Assert.NotEqual(OrchestrationRuntimeStatus.Completed, (await observer.Client.GetInstanceAsync(id))!.RuntimeStatus);

            // A new runtime on the same folder finishes the job.
            await using var resumed = EmbeddedDurableRuntime.ForLocalFolder(store, CrashWorkflow.Register(new DurableTaskRegistry(), ledger), CrashWorkflow.Options());
            await resumed.StartAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var result = await resumed.Client.WaitForInstanceCompletionAsync(id, deadline.Token);

            Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
            Assert.Equal(Enumerable.Range(0, CrashWorkflow.Steps).Sum(s => s * s), result.ReadOutputAs<int>());

            var lines = File.ReadAllLines(ledger);
            var starts = lines.Where(l => l.StartsWith("start ", StringComparison.Ordinal))
                .GroupBy(l => int.Parse(l[6..], System.Globalization.CultureInfo.InvariantCulture))
                .ToDictionary(g => g.Key, g => g.Count());
            foreach (var step in completedBeforeKill)
            {
                Assert.True(starts[step] == 1, $"Step {step} completed before the kill but ran {starts[step]} times.");
            }

            output.WriteLine(
                $"completed before the kill: {string.Join(',', completedBeforeKill.Order())}; run again after restart (were in flight): "
                + string.Join(',', starts.Where(s => s.Value > 1).Select(s => s.Key).Order()));

            // Every step finished at least once, and only steps that were in flight at the kill ran twice.
            Assert.Equal(Enumerable.Range(0, CrashWorkflow.Steps), starts.Keys.Order());
            Assert.All(starts.Where(s => s.Value > 1), s => Assert.DoesNotContain(s.Key, completedBeforeKill));
            var finalHistory = await resumed.Client.GetHistoryAsync(id);
            Assert.Equal(CrashWorkflow.Steps, finalHistory.OfType<TaskCompletedEvent>().Count());
        }
    }

    private static Process StartCrashHost(string store, string ledger) =>
        ProcessRunner.StartTestHost(typeof(CrashHostProgram).Assembly, "crash-host", store, ledger);

    private static async Task WaitForCompletedStepsAsync(EmbeddedDurableTaskClient client, string id, int atLeast, Process child)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var history = await client.GetHistoryAsync(id);
            if (history.OfType<TaskCompletedEvent>().Count() >= atLeast)
            {
                return;
            }

            Assert.False(child.HasExited, $"The crash host exited early with code {(child.HasExited ? child.ExitCode : 0)}.");
            Assert.True(DateTime.UtcNow < deadline, $"The crash host did not complete {atLeast} steps within 30 s.");
            await Task.Delay(10);
        }
    }
}
