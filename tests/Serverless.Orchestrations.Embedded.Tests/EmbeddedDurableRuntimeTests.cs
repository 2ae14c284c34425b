using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Durable.Runtime;
using Serverless.Orchestrations.Embedded.Tests.Workflows;
using Serverless.Testing;
using Xunit;

namespace Serverless.Orchestrations.Embedded.Tests;

/// <summary>
/// The same orchestrator classes and scenario code on <see cref="EmbeddedDurableRuntime"/> (our replay engine with the
/// SDK's context, registry and client), as on the embedded hub and InProcessTestHost.
/// </summary>
public sealed class EmbeddedDurableRuntimeTests
{
    [Fact]
    public async Task FanOutWithRetriesTimerEventAndContinueAsNewRunsToCompletionOnTheEmbeddedRuntime()
    {
        using var folder = new TempDirectory("embedded-runtime");
        var attempts = new AttemptLog();
        await using var runtime = await StartRuntimeAsync(folder.Path, attempts, extendedSessions: true);

        await TestWorkflows.RunPipelineAsync(runtime.Client, attempts);
    }

    [Fact]
    public async Task ActivityCallChangedBetweenEpisodesFailsAsNonDeterministicOnTheEmbeddedRuntimeWhenItReplays()
    {
        // Extended sessions keep the live orchestrator between episodes, so only a replay (after a restart, or with
        // sessions off as here) runs the code against its history and can see it changed.
        using var folder = new TempDirectory("embedded-runtime");
        await using var runtime = await StartRuntimeAsync(folder.Path, new AttemptLog(), extendedSessions: false);

        await TestWorkflows.ExpectNonDeterminismFailureAsync(runtime.Client);
    }

    static async Task<EmbeddedDurableRuntime> StartRuntimeAsync(string folder, AttemptLog attempts, bool extendedSessions)
    {
        var registry = new DurableTaskRegistry();
        TestWorkflows.Register(registry);
        var services = new ServiceCollection().AddSingleton(attempts).BuildServiceProvider();
        var runtime = EmbeddedDurableRuntime.ForLocalFolder(folder, registry, new EmbeddedRuntimeOptions { ExtendedSessions = extendedSessions }, services);
        await runtime.StartAsync();
        return runtime;
    }
}
