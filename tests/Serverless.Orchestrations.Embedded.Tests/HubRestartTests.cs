using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Orchestrations.Embedded.Tests.Workflows;
using Serverless.Testing;
using Xunit;

namespace Serverless.Orchestrations.Embedded.Tests;

public sealed class HubRestartTests
{
    // Slash, dot, space and non-ASCII: the instance's folder name must encode all of them and decode back on open.
    const string InstanceId = "orders/2026.12 ü";

    [Fact]
    public async Task HubStoppedAndStartedAgainResumesAnInstanceWaitingOnAnEventAndATimer()
    {
        using var folder = new TempDirectory("embedded-restart");
        var attempts = new AttemptLog();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        await using (var first = await StartHubAsync(folder.Path, attempts))
        {
            await first.Client.ScheduleNewOrchestrationInstanceAsync(
                nameof(WaitingOrchestrator), 21, new StartOrchestrationOptions(InstanceId), deadline.Token);
            await WaitForStatusAsync(first.Client, WaitingOrchestrator.WaitingStatus, deadline.Token);
        }

        await using var second = await StartHubAsync(folder.Path, attempts);
        var waiting = await second.Client.GetInstanceAsync(InstanceId, getInputsAndOutputs: true, deadline.Token);
        Assert.NotNull(waiting);
        Assert.Equal(OrchestrationRuntimeStatus.Running, waiting.RuntimeStatus);
        Assert.Equal(WaitingOrchestrator.WaitingStatus, waiting.ReadCustomStatusAs<string>());

        await second.Client.RaiseEventAsync(InstanceId, WaitingOrchestrator.ResumeEvent, 100, deadline.Token);
        var done = await second.Client.WaitForInstanceCompletionAsync(InstanceId, getInputsAndOutputs: true, deadline.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(142, done.ReadOutputAs<int>());
        Assert.Equal(1, attempts.AttemptsOf(21)); // the activity's result was in history: the restart did not run it again
    }

    [Fact]
    public async Task TerminatedInstanceReportsTerminatedAndCanBePurged()
    {
        using var folder = new TempDirectory("embedded-restart");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var hub = await StartHubAsync(folder.Path, new AttemptLog());
        await hub.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(WaitingOrchestrator), 1, new StartOrchestrationOptions(InstanceId), deadline.Token);
        await WaitForStatusAsync(hub.Client, WaitingOrchestrator.WaitingStatus, deadline.Token);

        await hub.Client.TerminateInstanceAsync(InstanceId, "stopped by the test", deadline.Token);
        var done = await hub.Client.WaitForInstanceCompletionAsync(InstanceId, getInputsAndOutputs: true, deadline.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, done.RuntimeStatus);

        var purged = await hub.Client.PurgeInstanceAsync(InstanceId, cancellation: deadline.Token);
        Assert.Equal(1, purged.PurgedInstanceCount);
        Assert.Null(await hub.Client.GetInstanceAsync(InstanceId, cancellation: deadline.Token));
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(folder.Path, "instances")));
    }

    static async Task WaitForStatusAsync(DurableTaskClient client, string status, CancellationToken cancellationToken)
    {
        while (true)
        {
            var instance = await client.GetInstanceAsync(InstanceId, getInputsAndOutputs: true, cancellationToken);
            if (instance?.SerializedCustomStatus is not null && instance.ReadCustomStatusAs<string>() == status)
            {
                return;
            }

            Assert.NotEqual(OrchestrationRuntimeStatus.Failed, instance?.RuntimeStatus);
            await Task.Delay(20, cancellationToken);
        }
    }

    static Task<EmbeddedTaskHub> StartHubAsync(string stateFolder, AttemptLog attempts) =>
        EmbeddedTaskHub.StartAsync(new EmbeddedTaskHubOptions
        {
            StateFolder = stateFolder,
            Tasks = registry => registry.AddOrchestrator<WaitingOrchestrator>().AddActivity<DoubleActivity>(),
            ConfigureServices = services => services.AddSingleton(attempts),
        });
}
