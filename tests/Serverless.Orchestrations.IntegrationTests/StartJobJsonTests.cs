using System.Text.Json;
using Serverless.Durable.Runtime;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.Hosting;
using Serverless.Orchestrations.StartJob;
using Serverless.Testing;

namespace Serverless.Orchestrations.IntegrationTests;

/// <summary>
/// StartJob's payloads go through generated serialization code (StartJobJsonContext). An instance whose history was
/// written by reflection before must resume, and other readers (the function app's SDK converter) must read what is
/// written now, so both have to write the same JSON for every payload a real job records.
/// </summary>
[Collection(ShopCollection.Name)]
public sealed class StartJobJsonTests(ShopDatabase shop)
{
    private static readonly Dictionary<string, Type> Activities = new()
    {
        [ActivityNames.Preflight] = typeof(PreflightActivity),
        [ActivityNames.RecordStartPosition] = typeof(RecordStartPositionActivity),
        [ActivityNames.DiscoverTables] = typeof(DiscoverTablesActivity),
        [ActivityNames.MigrateTable] = typeof(MigrateTableActivity),
        [ActivityNames.PlanChunks] = typeof(PlanChunksActivity),
        [ActivityNames.ReadChunk] = typeof(ReadChunkActivity),
        [ActivityNames.CommitChunks] = typeof(CommitChunksActivity),
        [ActivityNames.CompleteTableSnapshot] = typeof(CompleteTableSnapshotActivity),
    };

    [Fact]
    public async Task EveryPayloadARealJobRecordsIsWrittenByGeneratedCodeExactlyAsByReflectionAndReadsBackTheSame()
    {
        using var dir = new TempDirectory("orch-it-json");
        var state = Path.Combine(dir.Path, "state");
        var spec = TestJobs.WriteSpec(dir.Path, "shop-json", [shop.Name + ".*"], Path.Combine(dir.Path, "lake"), shop.KeyOverrides);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        Assert.Equal(JobExitCodes.Success, await JobRunner.RunAsync(spec, new JobRunnerOptions { StateFolder = state, SnapshotOnly = true }, null, timeout.Token));

        var payloads = RecordedPayloads(Path.Combine(state, "orchestrations"));
        Assert.Equal(Activities.Keys.Order(), payloads.Select(p => p.What.Split(' ')[0]).Where(Activities.ContainsKey).Distinct().Order());
        Assert.Contains(payloads, p => p.Type == typeof(SnapshotStatus));
        Assert.Contains(payloads, p => p.Type == typeof(StartJobResult));
        var generated = OrchestrationRegistry.DataConverter;
        var reflection = DurableDataConverter.Default;
        foreach (var (json, type, what) in payloads)
        {
            Assert.True(StartJobJsonContext.Default.GetTypeInfo(type) is not null, $"{what}: no generated code for {type}");
            Assert.Equal(json, generated.Serialize(generated.Deserialize(json, type), type));
            Assert.Equal(json, reflection.Serialize(reflection.Deserialize(json, type), type));
            Assert.Equal(json, generated.Serialize(reflection.Deserialize(json, type), type));
        }
    }

    /// <summary>Every input, output and custom status in the state folder's history, with the type it was written as.</summary>
    private static List<(string Json, Type Type, string What)> RecordedPayloads(string folder)
    {
        var payloads = new List<(string Json, Type Type, string What)>();
        var scheduled = new Dictionary<int, string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            var root = document.RootElement;
            if (root.TryGetProperty("customStatus", out var status) && status.ValueKind == JsonValueKind.String)
            {
                payloads.Add((status.GetString()!, typeof(SnapshotStatus), "custom status in " + Path.GetFileName(file)));
            }

            if (!root.TryGetProperty("events", out var events))
            {
                continue;
            }

            foreach (var e in events.EnumerateArray())
            {
                switch (e.GetProperty("kind").GetString())
                {
                    case "executionStarted":
                        payloads.Add((e.GetProperty("input").GetString()!, typeof(StartJobInput), "StartJob input"));
                        break;
                    case "executionCompleted":
                        payloads.Add((e.GetProperty("result").GetString()!, typeof(StartJobResult), "StartJob output"));
                        break;
                    case "taskScheduled":
                        var name = e.GetProperty("name").GetString()!;
                        scheduled[e.GetProperty("eventId").GetInt32()] = name;
                        payloads.Add((e.GetProperty("input").GetString()!, PayloadTypes(name)[0], name + " input"));
                        break;
                    case "taskCompleted":
                        var activity = scheduled[e.GetProperty("taskScheduledId").GetInt32()];
                        payloads.Add((e.GetProperty("result").GetString()!, PayloadTypes(activity)[1], activity + " output"));
                        break;
                }
            }
        }

        return payloads;
    }

    /// <summary>The input and output types an activity declares (TaskActivity&lt;TInput, TOutput&gt;).</summary>
    private static Type[] PayloadTypes(string activity) => Activities[activity].BaseType!.GetGenericArguments();
}
