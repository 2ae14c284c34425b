namespace Serverless.Durable.Sdk;

/// <summary>What an activity knows about the call that started it.</summary>
/// <param name="Name">The activity name it was scheduled under.</param>
/// <param name="InstanceId">The orchestration instance that scheduled it.</param>
/// <param name="TaskId">The task's sequence number in that instance's history; with the instance id and the
/// execution id it identifies this logical call across retries of an interrupted run (useful as an idempotency key).</param>
/// <param name="ExecutionId">The orchestration execution (changes on continue-as-new).</param>
/// <param name="CancellationToken">Signalled when the runtime shuts down.</param>
public sealed record TaskActivityContext(
    string Name,
    string InstanceId,
    string ExecutionId,
    int TaskId,
    CancellationToken CancellationToken);
