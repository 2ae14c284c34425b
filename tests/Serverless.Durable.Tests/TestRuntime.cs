using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Durable.Runtime;
using Serverless.Testing;

namespace Serverless.Durable.Tests;

/// <summary>An embedded runtime over a fresh temporary folder, started, with short client polling.</summary>
internal sealed class TestRuntime : IAsyncDisposable
{
    private readonly TempDirectory folder;
    private readonly bool ownsFolder;

    private TestRuntime(TempDirectory folder, bool ownsFolder, EmbeddedDurableRuntime runtime)
    {
        this.folder = folder;
        this.ownsFolder = ownsFolder;
        Runtime = runtime;
    }

    public EmbeddedDurableRuntime Runtime { get; }

    public EmbeddedDurableTaskClient Client => Runtime.Client;

    public string Folder => folder.Path;

    public static async Task<TestRuntime> StartAsync(
        Action<DurableTaskRegistry> register,
        int maxConcurrentActivities = 8,
        TempDirectory? sharedFolder = null,
        bool start = true,
        IServiceProvider? services = null,
        bool extendedSessions = true,
        TimeSpan? storePollInterval = null)
    {
        var registry = new DurableTaskRegistry();
        register(registry);
        var folder = sharedFolder ?? new TempDirectory("durable-test");
        var runtime = EmbeddedDurableRuntime.ForLocalFolder(
            folder.Path,
            registry,
            new EmbeddedRuntimeOptions
            {
                MaxConcurrentActivities = maxConcurrentActivities,
                MaxConcurrentOrchestrations = 2,
                ClientPollInterval = TimeSpan.FromMilliseconds(50),
                ExtendedSessions = extendedSessions,
                StorePollInterval = storePollInterval ?? TimeSpan.FromSeconds(2),
            },
            services);
        if (start)
        {
            await runtime.StartAsync();
        }

        return new TestRuntime(folder, sharedFolder is null, runtime);
    }

    /// <summary>Waits for completion with a deadline, so a hung orchestration fails the test instead of the run.</summary>
    public async Task<OrchestrationMetadata> WaitAsync(string instanceId, int seconds = 30)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        return await Client.WaitForInstanceCompletionAsync(instanceId, deadline.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await Runtime.DisposeAsync();
        if (ownsFolder)
        {
            folder.Dispose();
        }
    }
}
