namespace Serverless.Durable.History;

/// <summary>A client asked to terminate the instance; the orchestrator stops at the next episode.</summary>
/// <param name="Reason">Reason as JSON, recorded as the terminated instance's output.</param>
public sealed record ExecutionTerminatedEvent(DateTime Timestamp, string? Reason) : HistoryEvent(-1, Timestamp);
