using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Durable;
using Serverless.Durable.Runtime;

namespace Serverless.Durable.Tests;

/// <summary>
/// The orchestration the crash test kills mid-way: a bounded fan-out of slow steps. Each step appends
/// "start N" and "done N" lines to a ledger file, so the test can count how often each step really ran.
/// </summary>
internal static class CrashWorkflow
{
    public const string OrchestratorName = "CrashWorkflow";
    public const string ActivityName = "SlowStep";
    public const int Steps = 12;
    public const int StepMilliseconds = 100;

    /// <summary>Registers the workflow; steps in the second half take <paramref name="secondHalfMilliseconds"/>.</summary>
    /// <remarks>The child process makes the second half slow, so the test kills it mid-way even on a loaded machine.</remarks>
    public static DurableTaskRegistry Register(DurableTaskRegistry registry, string ledgerPath, int secondHalfMilliseconds = StepMilliseconds) => registry
        .AddActivityFunc<int, int>(ActivityName, async (_, step) =>
        {
            AppendLine(ledgerPath, $"start {step}");
            await Task.Delay(step < Steps / 2 ? StepMilliseconds : secondHalfMilliseconds);
            AppendLine(ledgerPath, $"done {step}");
            return step * step;
        })
        .AddOrchestratorFunc<int, int>(OrchestratorName, async (ctx, steps) =>
        {
            var items = Enumerable.Range(0, steps).ToArray();
            var results = await ctx.RunBoundedAsync(items, 2, (step, _) => ctx.CallActivityAsync<int>(ActivityName, step));
            return results.Sum();
        });

    public static EmbeddedRuntimeOptions Options() => new()
    {
        MaxConcurrentActivities = 4,
        MaxConcurrentOrchestrations = 1,
        ClientPollInterval = TimeSpan.FromMilliseconds(50),
    };

    private static readonly Lock LedgerLock = new();

    private static void AppendLine(string path, string line)
    {
        // FileMode.Append seeks to the end rather than opening with O_APPEND, so two activities appending at once
        // could write at the same offset and lose a line: one writer at a time in a process (the crashed child and
        // the resuming runtime never run together). One write per line keeps lines whole or absent at a kill.
        lock (LedgerLock)
        {
            using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            var bytes = System.Text.Encoding.UTF8.GetBytes(line + "\n");
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
    }
}
