using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Xunit;

namespace Serverless.Orchestrations.Embedded.Tests.Workflows;

/// <summary>The scenarios every backend must pass, run by the embedded hub tests and the InProcessTestHost tests alike.</summary>
public static class TestWorkflows
{
    public static readonly int[] Items = [1, 2, 3, 4, 5];

    public static void Register(DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddOrchestrator<PipelineOrchestrator>();
        registry.AddOrchestrator<ShiftingOrchestrator>();
        registry.AddActivity<DoubleActivity>();
        registry.AddActivity<EchoAlphaActivity>();
        registry.AddActivity<EchoBetaActivity>();
    }

    /// <summary>Runs <see cref="PipelineOrchestrator"/> to completion: waits for its custom status, approves, checks the result.</summary>
    public static async Task RunPipelineAsync(DurableTaskClient client, AttemptLog attempts)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(attempts);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var id = await client.ScheduleNewOrchestrationInstanceAsync(
            nameof(PipelineOrchestrator), new PipelineInput(0, Items, 0), deadline.Token);

        // The event is raised only once the orchestrator says it waits: the custom status is what a user would watch.
        while (true)
        {
            var waiting = await client.GetInstanceAsync(id, getInputsAndOutputs: true, deadline.Token);
            Assert.NotNull(waiting);
            Assert.NotEqual(OrchestrationRuntimeStatus.Failed, waiting.RuntimeStatus);
            if (waiting.SerializedCustomStatus is not null && waiting.ReadCustomStatusAs<string>() == PipelineOrchestrator.WaitingStatus)
            {
                break;
            }

            await Task.Delay(20, deadline.Token);
        }

        await client.RaiseEventAsync(id, PipelineOrchestrator.ApprovalEvent, 100, deadline.Token);
        var done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, deadline.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var doubledSum = Items.Sum() * 2;
        Assert.Equal(new PipelineResult(doubledSum + 100 + doubledSum, 2), done.ReadOutputAs<PipelineResult>());

        // Round 0's first attempt at the flaky input failed and was retried; round 1 ran it once more.
        Assert.Equal(3, attempts.AttemptsOf(DoubleActivity.FlakyInput));
        Assert.All(Items.Where(i => i != DoubleActivity.FlakyInput), i => Assert.Equal(2, attempts.AttemptsOf(i)));
    }

    /// <summary>Runs <see cref="ShiftingOrchestrator"/> and expects the replay engine's non-determinism failure.</summary>
    public static async Task ExpectNonDeterminismFailureAsync(DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(ShiftingOrchestrator), 7, deadline.Token);
        var done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, deadline.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.NotNull(done.FailureDetails);
        Assert.Contains("NonDeterministic", done.FailureDetails.ErrorType, StringComparison.Ordinal);
        Assert.Contains(nameof(EchoAlphaActivity), done.FailureDetails.ErrorMessage, StringComparison.Ordinal);
    }
}
