using Microsoft.DurableTask;

namespace Serverless.Orchestrations.Embedded.Tests.Workflows;

/// <summary>
/// Uses every SDK feature StartJob needs: a fan-out of activities with a retry policy, a durable timer, custom status,
/// an external event and continue-as-new. Round 0 waits for <see cref="ApprovalEvent"/> and continues as new; round 1
/// returns the total.
/// </summary>
public sealed class PipelineOrchestrator : TaskOrchestrator<PipelineInput, PipelineResult>
{
    public const string ApprovalEvent = "Approval";
    public const string WaitingStatus = "waiting for approval";

    public override async Task<PipelineResult> RunAsync(TaskOrchestrationContext context, PipelineInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var retry = TaskOptions.FromRetryPolicy(new RetryPolicy(maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromMilliseconds(10)));
        var doubled = await Task.WhenAll(input.Items.Select(item => context.CallActivityAsync<int>(nameof(DoubleActivity), item, retry)));
        await context.CreateTimer(context.CurrentUtcDateTime.AddMilliseconds(50), CancellationToken.None);
        var total = input.CarriedTotal + doubled.Sum();
        if (input.Round == 0)
        {
            context.SetCustomStatus(WaitingStatus);
            var approval = await context.WaitForExternalEvent<int>(ApprovalEvent);
            context.SetCustomStatus("approved");
            context.ContinueAsNew(input with { Round = 1, CarriedTotal = total + approval });
            return new PipelineResult(0, 0); // replaced by the next execution's result
        }

        return new PipelineResult(total, input.Round + 1);
    }
}
