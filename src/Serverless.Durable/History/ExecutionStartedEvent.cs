namespace Serverless.Durable.History;

/// <summary>An orchestration execution began (first event of every execution, including after continue-as-new).</summary>
/// <param name="Name">Registered orchestrator name.</param>
/// <param name="InstanceId">The instance this execution belongs to.</param>
/// <param name="ExecutionId">Identifies this execution; a continue-as-new starts a new one under the same instance.</param>
/// <param name="Input">Input as JSON, or null.</param>
public sealed record ExecutionStartedEvent(DateTime Timestamp, string Name, string InstanceId, string ExecutionId, string? Input)
    : HistoryEvent(-1, Timestamp);
