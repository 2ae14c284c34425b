using System.Text.Json;
using Serverless.Cdc.Writer;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.Hosting;
using Serverless.Testing;

namespace Serverless.Orchestrations.IntegrationTests;

/// <summary>How few steps stand between a job's start and its first chunk read, read back from what the run recorded.</summary>
[Collection(ShopCollection.Name)]
public sealed class StartJobStepOrderTests(ShopDatabase shop)
{
    [Fact]
    public async Task ANewJobPlansItsFirstTableBesideItsMigrationAndCreatesEachLakeTableWithItsSnapshotRecordInOneCommit()
    {
        using var dir = new TempDirectory("orch-it-steps");
        var state = Path.Combine(dir.Path, "state");
        var lake = Path.Combine(dir.Path, "lake");
        var spec = TestJobs.WriteSpec(dir.Path, "shop-steps", [shop.Name + ".*"], lake, shop.KeyOverrides);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        Assert.Equal(JobExitCodes.Success, await JobRunner.RunAsync(spec, new JobRunnerOptions { StateFolder = state, SnapshotOnly = true }, null, timeout.Token));

        // In the order the orchestrator recorded them: the first plan is scheduled before any migration has finished.
        var steps = RecordedSteps(Path.Combine(state, "orchestrations"));
        var firstPlan = steps.FindIndex(s => s == "scheduled " + ActivityNames.PlanChunks);
        var firstMigrated = steps.FindIndex(s => s == "completed " + ActivityNames.MigrateTable);
        Assert.True(firstPlan >= 0 && firstMigrated >= 0, string.Join(", ", steps));
        Assert.True(firstPlan < firstMigrated, $"PlanChunks first scheduled at step {firstPlan}, after MigrateTable first completed at step {firstMigrated}: {string.Join(", ", steps)}");

        // Version 0 of every lake table already holds the discovery position; no property commit follows it.
        var tables = Directory.GetDirectories(lake).Select(Path.GetFileName).ToList();
        Assert.Equal(ShopDatabase.Tables.Count, tables.Count);
        foreach (var name in tables)
        {
            Assert.True(CreationConfiguration(Path.Combine(lake, name!, "_delta_log", "00000000000000000000.json")).ContainsKey(SnapshotDiscovery.Property), name);
            var operations = Directory.GetFiles(Path.Combine(lake, name!, "_delta_log"), "*.json").Select(OperationOf).ToList();
            Assert.DoesNotContain("SET TBLPROPERTIES", operations);
        }
    }

    /// <summary>"scheduled X" / "completed X" for every activity event in the history, in recorded order.</summary>
    private static List<string> RecordedSteps(string folder)
    {
        var steps = new List<string>();
        var scheduled = new Dictionary<int, string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            if (!document.RootElement.TryGetProperty("events", out var events))
            {
                continue;
            }

            foreach (var e in events.EnumerateArray())
            {
                switch (e.GetProperty("kind").GetString())
                {
                    case "taskScheduled":
                        var name = e.GetProperty("name").GetString()!;
                        scheduled[e.GetProperty("eventId").GetInt32()] = name;
                        steps.Add("scheduled " + name);
                        break;
                    case "taskCompleted":
                        steps.Add("completed " + scheduled[e.GetProperty("taskScheduledId").GetInt32()]);
                        break;
                }
            }
        }

        return steps;
    }

    private static Dictionary<string, string> CreationConfiguration(string commitFile)
    {
        foreach (var line in File.ReadLines(commitFile))
        {
            using var action = JsonDocument.Parse(line);
            if (action.RootElement.TryGetProperty("metaData", out var metadata))
            {
                return metadata.GetProperty("configuration").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            }
        }

        return [];
    }

    private static string OperationOf(string commitFile)
    {
        foreach (var line in File.ReadLines(commitFile))
        {
            using var action = JsonDocument.Parse(line);
            if (action.RootElement.TryGetProperty("commitInfo", out var info))
            {
                return info.GetProperty("operation").GetString()!;
            }
        }

        return string.Empty;
    }
}
