using Microsoft.Extensions.DependencyInjection;
using Serverless.Orchestrations.Embedded.Tests.Workflows;
using Serverless.Testing;
using Xunit;

namespace Serverless.Orchestrations.Embedded.Tests;

public sealed class EmbeddedTaskHubTests
{
    [Fact]
    public async Task FanOutWithRetriesTimerEventAndContinueAsNewRunsToCompletion()
    {
        using var folder = new TempDirectory("embedded-hub");
        var attempts = new AttemptLog();
        await using var hub = await StartHubAsync(folder.Path, attempts);

        await TestWorkflows.RunPipelineAsync(hub.Client, attempts);
    }

    [Fact]
    public async Task ActivityCallChangedBetweenEpisodesFailsTheInstanceAsNonDeterministic()
    {
        using var folder = new TempDirectory("embedded-hub");
        await using var hub = await StartHubAsync(folder.Path, new AttemptLog());

        await TestWorkflows.ExpectNonDeterminismFailureAsync(hub.Client);
    }

    [Fact]
    public async Task SecondHubOnAnOpenStateFolderIsRefusedWithTheFolderNamed()
    {
        using var folder = new TempDirectory("embedded-hub");
        await using var hub = await StartHubAsync(folder.Path, new AttemptLog());

        var error = await Assert.ThrowsAsync<IOException>(() => StartHubAsync(folder.Path, new AttemptLog()));
        Assert.Contains(folder.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains("in use by another process", error.Message, StringComparison.Ordinal);
    }

    static Task<EmbeddedTaskHub> StartHubAsync(string stateFolder, AttemptLog attempts) =>
        EmbeddedTaskHub.StartAsync(new EmbeddedTaskHubOptions
        {
            StateFolder = stateFolder,
            Tasks = TestWorkflows.Register,
            ConfigureServices = services => services.AddSingleton(attempts),
        });
}
