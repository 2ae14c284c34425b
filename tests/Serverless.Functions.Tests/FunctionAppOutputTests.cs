using System.Reflection;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.Durable;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.StartJob;
using Serverless.Testing;

namespace Serverless.Functions.Tests;

/// <summary>
/// What the Functions host reads from the app: functions.metadata (every function and binding, as the worker SDK
/// generated it from the code), worker.config.json, host.json and the extensions the SDK's hidden project builds.
/// </summary>
public sealed class FunctionAppOutputTests
{
    private static readonly string Configuration = typeof(FunctionAppOutputTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

    private static string ProjectFolder => Path.Combine(RepoPaths.Root, "functions", "Serverless.Functions");

    private static string BuildOutput => Path.Combine(ProjectFolder, "bin", Configuration, "net10.0");

    /// <summary>The API: function name, method, route.</summary>
    public static TheoryData<string, string, string> ApiFunctions => new()
    {
        { JobApiFunctions.PutJobName, "put", "jobs/{name}" },
        { JobApiFunctions.ListJobsName, "get", "jobs" },
        { JobApiFunctions.GetJobName, "get", "jobs/{name}" },
        { JobApiFunctions.StartJobName, "post", "jobs/{name}/start" },
        { JobApiFunctions.StopJobName, "post", "jobs/{name}/stop" },
        { JobApiFunctions.DeleteJobName, "delete", "jobs/{name}" },
    };

    /// <summary>StartJob's activities: function name (the name the orchestrator schedules), entry point, trigger parameter.</summary>
    public static TheoryData<string, string, string> ActivityFunctions => new()
    {
        { ActivityNames.Preflight, nameof(StartJobActivityFunctions.PreflightAsync), "jobName" },
        { ActivityNames.RecordStartPosition, nameof(StartJobActivityFunctions.RecordStartPositionAsync), "jobName" },
        { ActivityNames.DiscoverTables, nameof(StartJobActivityFunctions.DiscoverTablesAsync), "jobName" },
        { ActivityNames.MigrateTable, nameof(StartJobActivityFunctions.MigrateTableAsync), "input" },
        { ActivityNames.PlanChunks, nameof(StartJobActivityFunctions.PlanChunksAsync), "input" },
        { ActivityNames.ReadChunk, nameof(StartJobActivityFunctions.ReadChunkAsync), "input" },
        { ActivityNames.CommitChunks, nameof(StartJobActivityFunctions.CommitChunksAsync), "input" },
        { ActivityNames.CompleteTableSnapshot, nameof(StartJobActivityFunctions.CompleteTableSnapshotAsync), "input" },
    };

    private static IEnumerable<string> AllFunctionNames =>
        ApiFunctions.Select(row => (string)row[0]).Concat(ActivityFunctions.Select(row => (string)row[0])).Append(StartJobOrchestrator.Name);

    [Fact]
    public void MetadataDeclaresStartJobAsAnOrchestratorFunctionWithOnlyAnOrchestrationTrigger()
    {
        AssertDurableFunction(StartJobOrchestrator.Name, $"{typeof(StartJobOrchestratorFunction).FullName}.{nameof(StartJobOrchestratorFunction.RunAsync)}", "orchestrationTrigger", "context");
    }

    [Theory]
    [MemberData(nameof(ActivityFunctions))]
    public void MetadataDeclaresEachActivityOfStartJobUnderItsScheduledNameWithOnlyAnActivityTrigger(string name, string method, string parameter)
    {
        AssertDurableFunction(name, $"{typeof(StartJobActivityFunctions).FullName}.{method}", "activityTrigger", parameter);
    }

    [Fact]
    public void EveryActivityStartJobSchedulesHasAnActivityFunction()
    {
        var scheduled = typeof(ActivityNames).GetFields().Select(f => (string)f.GetRawConstantValue()!).Order();

        Assert.Equal(scheduled, ActivityFunctions.Select(row => (string)row[0]).Order());
    }

    [Theory]
    [MemberData(nameof(ApiFunctions))]
    public void MetadataDeclaresTheApiFunctionWithAFunctionKeyHttpTriggerADurableClientAndAnHttpResult(string name, string method, string route)
    {
        var function = ReadMetadata(BuildOutput).Single(f => f.GetProperty("name").GetString() == name);

        Assert.Equal("dotnet-isolated", function.GetProperty("language").GetString());
        Assert.Equal("Serverless.Functions.dll", function.GetProperty("scriptFile").GetString());
        var bindings = function.GetProperty("bindings").EnumerateArray().ToList();
        Assert.Equal(3, bindings.Count);
        var trigger = bindings.Single(b => b.GetProperty("type").GetString() == "httpTrigger");
        Assert.Equal("In", trigger.GetProperty("direction").GetString());
        Assert.Equal("Function", trigger.GetProperty("authLevel").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        var client = bindings.Single(b => b.GetProperty("type").GetString() == "durableClient");
        Assert.Equal("In", client.GetProperty("direction").GetString());
        var result = bindings.Single(b => b.GetProperty("type").GetString() == "http");
        Assert.Equal(("$return", "Out"), (result.GetProperty("name").GetString(), result.GetProperty("direction").GetString()));
    }

    [Fact]
    public void MetadataListsEveryFunctionInTheCodeAndNothingElseEachAtItsMethod()
    {
        var declared = typeof(JobApiFunctions).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<FunctionAttribute>()))
            .Where(x => x.Attribute is not null)
            .ToDictionary(x => x.Attribute!.Name, x => $"{x.Method.DeclaringType!.FullName}.{x.Method.Name}");

        var listed = ReadMetadata(BuildOutput).ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("entryPoint").GetString()!);

        Assert.Equal(declared.OrderBy(x => x.Key), listed.OrderBy(x => x.Key));
        Assert.Equal(AllFunctionNames.Order(), listed.Keys.Order());
    }

    [Fact]
    public async Task PublishOutputHasTheWorkerConfigMetadataHostJsonAndTheDurableExtension()
    {
        using var output = new TempDirectory("serverless-functions-publish");

        // The build this test run uses is published as is (no rebuild), as `azd deploy` packages it.
        var publish = await ProcessRunner.RunAsync(
            "dotnet",
            ["publish", Path.Combine(ProjectFolder, "Serverless.Functions.csproj"), "-c", Configuration, "--no-build", "-o", output.Path, "-nologo"],
            timeout: TimeSpan.FromMinutes(5));

        Assert.True(publish.ExitCode == 0, publish.StandardOutput + publish.StandardError);
        using var workerConfig = JsonDocument.Parse(File.ReadAllText(output.File("worker.config.json")));
        var description = workerConfig.RootElement.GetProperty("description");
        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        Assert.Equal("Serverless.Functions.dll", description.GetProperty("defaultWorkerPath").GetString());
        Assert.True(File.Exists(output.File("Serverless.Functions.dll")));
        Assert.Equal(AllFunctionNames.Order(), ReadMetadata(output.Path).Select(f => f.GetProperty("name").GetString()).Order());

        using var host = JsonDocument.Parse(File.ReadAllText(output.File("host.json")));
        Assert.Equal("2.0", host.RootElement.GetProperty("version").GetString());
        var durable = host.RootElement.GetProperty("extensions").GetProperty("durableTask");
        Assert.Matches("^[A-Za-z][A-Za-z0-9]{2,44}$", durable.GetProperty("hubName").GetString());

        // The extensions project's output: extensions.json names the host-side extensions the host loads, each from
        // .azurefunctions (HTTP through ASP.NET Core needs none: the host has it built in).
        using var extensions = JsonDocument.Parse(File.ReadAllText(output.File("extensions.json")));
        var listed = extensions.RootElement.GetProperty("extensions").EnumerateArray()
            .Select(e => (Name: e.GetProperty("name").GetString()!, HintPath: e.GetProperty("hintPath").GetString()!))
            .ToList();
        Assert.Contains(listed, e => e.Name == "DurableTask" && e.HintPath == "./.azurefunctions/Microsoft.Azure.WebJobs.Extensions.DurableTask.dll");
        Assert.All(listed, e => Assert.True(File.Exists(Path.GetFullPath(e.HintPath, output.Path)), $"{e.Name}: {e.HintPath} is not in the publish output"));
        Assert.True(File.Exists(Path.Combine(output.Path, ".azurefunctions", "Microsoft.Azure.Functions.Worker.Extensions.dll")));
    }

    /// <summary>A durable function's metadata: its entry point and its one binding, the trigger (the host binds nothing else to it).</summary>
    private static void AssertDurableFunction(string name, string entryPoint, string trigger, string parameter)
    {
        var function = ReadMetadata(BuildOutput).Single(f => f.GetProperty("name").GetString() == name);

        Assert.Equal("dotnet-isolated", function.GetProperty("language").GetString());
        Assert.Equal("Serverless.Functions.dll", function.GetProperty("scriptFile").GetString());
        Assert.Equal(entryPoint, function.GetProperty("entryPoint").GetString());
        var binding = Assert.Single(function.GetProperty("bindings").EnumerateArray());
        Assert.Equal((trigger, "In", parameter), (binding.GetProperty("type").GetString(), binding.GetProperty("direction").GetString(), binding.GetProperty("name").GetString()));
    }

    private static List<JsonElement> ReadMetadata(string folder)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "functions.metadata")));
        return document.RootElement.EnumerateArray().Select(f => f.Clone()).ToList();
    }
}
