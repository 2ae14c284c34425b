using System.Diagnostics;
using System.Globalization;
using Serverless.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Serverless.Orchestrations.Embedded.Tests;

public sealed class CrashResumeTests(ITestOutputHelper output)
{
    const int Activities = 60;

    [Fact]
    public async Task HubKilledMidwayResumesInANewProcessWithoutRerunningPersistedActivities()
    {
        using var folder = new TempDirectory("embedded-crash");
        var state = folder.File("state");
        var ledger = folder.File("ledger.txt");
        var result = folder.File("result.txt");
        File.WriteAllText(ledger, string.Empty);
        const string id = "crash-1";

        HashSet<int> persistedAtKill;
        using (var child = ProcessRunner.StartTestHost(typeof(CrashWorkflow).Assembly, "start", state, ledger, id, Activities.ToString(CultureInfo.InvariantCulture)))
        {
            try
            {
                await WaitForPersistedCompletionsAsync(state, id, atLeast: 4, child);
            }
            finally
            {
                child.Kill(entireProcessTree: true); // SIGKILL: no cleanup, mid-activity
                await child.WaitForExitAsync();
            }

            persistedAtKill = StateFolderInspection.PersistedCompletions(state, id);
        }

        Assert.InRange(persistedAtKill.Count, 4, Activities - 1);

        using (var resumer = ProcessRunner.StartTestHost(typeof(CrashWorkflow).Assembly, "resume", state, ledger, id, result))
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await resumer.WaitForExitAsync(deadline.Token);
            Assert.Equal(0, resumer.ExitCode);
        }

        Assert.Equal($"Completed {Enumerable.Range(0, Activities).Sum()}", File.ReadAllText(result));
        var runs = File.ReadAllLines(ledger).GroupBy(line => int.Parse(line, CultureInfo.InvariantCulture)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Enumerable.Range(0, Activities), runs.Keys.Order());
        foreach (var input in persistedAtKill)
        {
            Assert.True(runs[input] == 1, $"Activity {input} had its result persisted before the kill but ran {runs[input]} times.");
        }

        output.WriteLine(
            $"persisted before the kill: {persistedAtKill.Count}; ran twice (in flight at the kill): "
            + string.Join(',', runs.Where(r => r.Value > 1).Select(r => r.Key).Order()));
    }

    static async Task WaitForPersistedCompletionsAsync(string state, string id, int atLeast, Process child)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (StateFolderInspection.PersistedCompletions(state, id).Count < atLeast)
        {
            Assert.False(child.HasExited, $"The crash host exited early with code {(child.HasExited ? child.ExitCode : 0)}.");
            Assert.True(DateTime.UtcNow < deadline, $"The crash host did not persist {atLeast} activity results within 60 s.");
            await Task.Delay(10);
        }
    }
}
