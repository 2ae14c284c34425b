using Microsoft.DurableTask;

namespace Serverless.Orchestrations.Embedded.Tests.Workflows;

/// <summary>
/// Non-deterministic on purpose: it calls one activity when it first runs and another when replayed, as code changed
/// under an in-flight instance would. The replay engine must fail the instance instead of silently mixing the two.
/// </summary>
public sealed class ShiftingOrchestrator : TaskOrchestrator<int, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, int input)
    {
        ArgumentNullException.ThrowIfNull(context);
        var activity = context.IsReplaying ? nameof(EchoBetaActivity) : nameof(EchoAlphaActivity);
        var first = await context.CallActivityAsync<string>(activity, input);
        var second = await context.CallActivityAsync<string>(nameof(EchoAlphaActivity), input + 1);
        return first + second;
    }
}

public sealed class EchoAlphaActivity : TaskActivity<int, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, int input) => Task.FromResult($"alpha{input}");
}

public sealed class EchoBetaActivity : TaskActivity<int, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, int input) => Task.FromResult($"beta{input}");
}
