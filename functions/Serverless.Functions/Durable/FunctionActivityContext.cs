using Microsoft.DurableTask;

namespace Serverless.Functions.Durable;

/// <summary>The activity context of a Durable Functions activity: its name and the orchestration instance that scheduled it.</summary>
internal sealed class FunctionActivityContext(TaskName name, string instanceId) : TaskActivityContext
{
    public override TaskName Name { get; } = name;

    public override string InstanceId { get; } = instanceId;
}
