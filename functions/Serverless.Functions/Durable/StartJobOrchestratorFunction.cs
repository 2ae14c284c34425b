using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Serverless.Orchestrations.StartJob;

namespace Serverless.Functions.Durable;

/// <summary>
/// StartJob as a Durable Functions orchestrator: the class every backend registers (<see cref="StartJobOrchestrator"/>)
/// run on the context the trigger gives. Written by hand because the SDK's source generator, which writes this for
/// class-based orchestrators, is not served here.
/// </summary>
public static class StartJobOrchestratorFunction
{
    // Orchestrators keep no state between episodes (each replays from its history), so one instance serves every run.
    private static readonly StartJobOrchestrator Orchestrator = new();

    [Function(StartJobOrchestrator.Name)]
    public static Task<StartJobResult> RunAsync([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetInput<StartJobInput>()
            ?? throw new ArgumentException($"Orchestration {context.InstanceId} was started without a {nameof(StartJobInput)}; start jobs through POST /api/jobs/{{name}}/start.", nameof(context));
        return Orchestrator.RunAsync(context, input);
    }
}
