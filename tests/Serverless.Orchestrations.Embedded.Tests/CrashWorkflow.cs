using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Serverless.Orchestrations.Embedded.Tests;

/// <summary>
/// The crash test's workflow and child-process host: <see cref="LedgerOrchestrator"/> fans out to activities that
/// each append their number to a ledger file, so the test can count how often each one ran.
/// <c>start STATE LEDGER ID COUNT</c> starts a hub, schedules the instance and runs until killed;
/// <c>resume STATE LEDGER ID RESULT</c> starts a hub on the same folder, waits for the instance and writes its outcome.
/// </summary>
public static class CrashWorkflow
{
    public static async Task<int> RunHostAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length != 5 || args[0] is not ("start" or "resume"))
        {
            await Console.Error.WriteLineAsync("usage: Serverless.Orchestrations.Embedded.Tests start|resume STATE LEDGER ID COUNT|RESULT_FILE");
            return 2;
        }

        await using var hub = await EmbeddedTaskHub.StartAsync(new EmbeddedTaskHubOptions
        {
            StateFolder = args[1],
            Tasks = registry => registry.AddOrchestrator<LedgerOrchestrator>().AddActivity<LedgerActivity>(),
            ConfigureServices = services => services.AddSingleton(new Ledger(args[2])),
            Service = new FileOrchestrationServiceOptions { MaxConcurrentActivities = 4 },
        });
        if (args[0] == "start")
        {
            var count = int.Parse(args[4], CultureInfo.InvariantCulture);
            await hub.Client.ScheduleNewOrchestrationInstanceAsync(
                nameof(LedgerOrchestrator), count, new StartOrchestrationOptions(args[3]));

            // Runs until the test kills the process; the delay only guards against an orphaned host.
            await Task.Delay(TimeSpan.FromMinutes(2));
            return 1;
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var done = await hub.Client.WaitForInstanceCompletionAsync(args[3], getInputsAndOutputs: true, deadline.Token);
        await File.WriteAllTextAsync(args[4], $"{done.RuntimeStatus} {done.SerializedOutput}");
        return 0;
    }
}

/// <summary>The ledger file the activities append to.</summary>
public sealed record Ledger(string Path);

public sealed class LedgerOrchestrator : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        ArgumentNullException.ThrowIfNull(context);
        var results = await Task.WhenAll(Enumerable.Range(0, input).Select(i => context.CallActivityAsync<int>(nameof(LedgerActivity), i)));
        return results.Sum();
    }
}

/// <summary>Appends its number to the ledger, then works a little, so a kill finds some activities mid-way.</summary>
public sealed class LedgerActivity(Ledger ledger) : TaskActivity<int, int>
{
    static readonly Lock Gate = new();

    public override async Task<int> RunAsync(TaskActivityContext context, int input)
    {
        lock (Gate)
        {
            File.AppendAllText(ledger.Path, input.ToString(CultureInfo.InvariantCulture) + "\n");
        }

        await Task.Delay(40);
        return input;
    }
}
