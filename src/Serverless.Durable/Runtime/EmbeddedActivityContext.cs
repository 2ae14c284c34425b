using Microsoft.DurableTask;

namespace Serverless.Durable.Runtime;

/// <summary>
/// The SDK's activity context as the embedded runtime fills it, with what the runtime also knows about the call:
/// the execution and task id (with the instance id, a stable idempotency key across reruns of an interrupted call)
/// and the runtime's shutdown token. Activities read the token through <see cref="ActivityContextExtensions.GetCancellationToken"/>,
/// which works on every backend.
/// </summary>
public sealed class EmbeddedActivityContext : TaskActivityContext
{
    public EmbeddedActivityContext(TaskName name, string instanceId, string executionId, int taskId, CancellationToken cancellationToken)
    {
        Name = name;
        InstanceId = instanceId;
        ExecutionId = executionId;
        TaskId = taskId;
        CancellationToken = cancellationToken;
    }

    public override TaskName Name { get; }

    public override string InstanceId { get; }

    /// <summary>The orchestration execution that scheduled the call (changes on continue-as-new).</summary>
    public string ExecutionId { get; }

    /// <summary>The task's sequence number in that execution's history.</summary>
    public int TaskId { get; }

    /// <summary>Signalled when the runtime shuts down; the call is then not recorded and runs again after a restart.</summary>
    public CancellationToken CancellationToken { get; }
}
