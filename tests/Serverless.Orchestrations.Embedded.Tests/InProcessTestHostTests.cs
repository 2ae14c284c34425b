using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Orchestrations.Embedded.Tests.Workflows;
using Serverless.Testing;
using Xunit;

namespace Serverless.Orchestrations.Embedded.Tests;

/// <summary>The same orchestrator classes on InProcessTestHost, the SDK's own in-memory backend and replay engine.</summary>
public sealed class InProcessTestHostTests
{
    [Fact]
    public async Task FanOutWithRetriesTimerEventAndContinueAsNewRunsToCompletionOnTheTestHost()
    {
        var attempts = new AttemptLog();
        await using var host = await StartTestHostAsync(attempts);

        await TestWorkflows.RunPipelineAsync(host.Client, attempts);
    }

    [Fact]
    public async Task ActivityCallChangedBetweenEpisodesFailsAsNonDeterministicOnTheTestHost()
    {
        await using var host = await StartTestHostAsync(new AttemptLog());

        await TestWorkflows.ExpectNonDeterminismFailureAsync(host.Client);
    }

    static Task<DurableTaskTestHost> StartTestHostAsync(AttemptLog attempts) =>
        LoopbackPorts.StartAsync(port => DurableTaskTestHost.StartAsync(
            TestWorkflows.Register,
            new DurableTaskTestHostOptions { Port = port, ConfigureServices = services => services.AddSingleton(attempts) }));
}
