using Microsoft.DurableTask;

namespace Serverless.Orchestrations.Embedded.Tests.Workflows;

/// <summary>Arms a long durable timer and waits for <see cref="ResumeEvent"/>; returns the event's value plus its input.</summary>
public sealed class WaitingOrchestrator : TaskOrchestrator<int, int>
{
    public const string ResumeEvent = "Resume";
    public const string WaitingStatus = "waiting";

    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        ArgumentNullException.ThrowIfNull(context);
        var doubled = await context.CallActivityAsync<int>(nameof(DoubleActivity), input);
        using var cancelTimer = new CancellationTokenSource();
        var timer = context.CreateTimer(context.CurrentUtcDateTime.AddHours(1), cancelTimer.Token);
        var resume = context.WaitForExternalEvent<int>(ResumeEvent);
        context.SetCustomStatus(WaitingStatus);
        var winner = await Task.WhenAny(timer, resume);
        if (winner != resume)
        {
            return -1;
        }

        // Cancel, not CancelAsync: orchestrator code may await only durable tasks, and CancelAsync's task is not one.
        cancelTimer.Cancel();
        return doubled + await resume;
    }
}
