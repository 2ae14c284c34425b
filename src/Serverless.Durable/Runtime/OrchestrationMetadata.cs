using Serverless.Durable.History;
using Serverless.Durable.Sdk;

namespace Serverless.Durable.Runtime;

/// <summary>What a client sees of an orchestration instance.</summary>
public sealed record OrchestrationMetadata(
    string InstanceId,
    string Name,
    string ExecutionId,
    OrchestrationStatus RuntimeStatus,
    DateTime CreatedAt,
    DateTime LastUpdatedAt,
    string? SerializedInput,
    string? SerializedOutput,
    string? SerializedCustomStatus,
    FailureDetails? FailureDetails)
{
    internal DurableDataConverter Converter { get; init; } = DurableDataConverter.Default;

    /// <summary>Completed, failed or terminated: the instance will not change any more.</summary>
    public bool IsTerminal => RuntimeStatus is OrchestrationStatus.Completed or OrchestrationStatus.Failed or OrchestrationStatus.Terminated;

    public T? ReadOutputAs<T>() => Converter.Deserialize<T>(SerializedOutput);

    public T? ReadInputAs<T>() => Converter.Deserialize<T>(SerializedInput);

    public T? ReadCustomStatusAs<T>() => Converter.Deserialize<T>(SerializedCustomStatus);
}
